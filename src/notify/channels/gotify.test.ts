import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests } from "../../test/chat-channels.ts";
import { type Receiver, startReceiver } from "../../test/receiver.ts";
import { gotifyChannel } from "./gotify.ts";
import type { AlertMessage } from "./types.ts";

const APP_TOKEN = "AwXq9H.Yb3-kZ_1";

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.answer(200, JSON.stringify({ id: 25, appid: 5, message: "…", title: "…", priority: 8 }));
});

async function send(message: AlertMessage, serverUrl = receiver.origin) {
  const config = gotifyChannel.config.parse({ serverUrl });
  return gotifyChannel.send(message, testContext(config, { appToken: APP_TOKEN }));
}

interface Pushed {
  title: string;
  message: string;
  priority: number;
}

async function pushed(message: AlertMessage): Promise<Pushed> {
  await send(message);
  return receiver.requests.at(-1)?.json as Pushed;
}

describe("gotify channel", () => {
  it("posts /message with the app token header and markdown extras", async () => {
    expect(await send(sampleMessage())).toEqual({ ok: true, statusCode: 200, detail: "message id 25" });
    const req = receiver.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/message");
    expect(req.headers["x-gotify-key"]).toBe(APP_TOKEN);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.json).toEqual({
      title: "🔴 DOWN: Checkout API",
      message: [
        "Checkout API is down since 2026\\-11\\-22 10\\:00\\:00 UTC \\(was up\\)\\.  ",
        "Cause\\: status is 503\\, expected one of \\[200\\]  ",
        "Monitor\\: http https\\:\\/\\/shop\\.example\\.com\\/health  ",
        "Organization\\: Acme",
        "",
        "[Open monitor](https://upblit.example.com/monitors/mon_01jdx0000000000000000000000) · " +
          "[Acknowledge](https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc) · " +
          "[Runbook](https://wiki.example.com/runbooks/checkout)",
      ].join("\n"),
      priority: 8,
      extras: {
        "client::display": { contentType: "text/markdown" },
        "client::notification": {
          click: { url: "https://upblit.example.com/monitors/mon_01jdx0000000000000000000000" },
        },
      },
    });
  });

  it("keeps a server sub-path", async () => {
    await send(sampleMessage(), `${receiver.origin}/gotify/`);
    expect(receiver.requests[0]?.path).toBe("/gotify/message");
  });

  it("words a recovery at a lower priority with the duration", async () => {
    const msg = await pushed(
      sampleMessage({
        event: "up",
        state: "up",
        previousState: "down",
        acknowledgeUrl: null,
        incident: {
          id: "inc_1",
          startedAt: "2026-11-22T10:00:00.000Z",
          resolvedAt: null,
          durationMs: 7_200_000,
        },
      }),
    );
    expect(msg.title).toBe("🟢 UP: Checkout API");
    expect(msg.priority).toBe(5);
    expect(msg.message).toContain("It was down for 2 h\\.");
    expect(msg.message).not.toContain("Acknowledge");
  });

  it("marks drills in the title and body", async () => {
    const msg = await pushed(sampleMessage({ drill: true }));
    expect(msg.title).toBe("[DRILL] 🔴 DOWN: Checkout API");
    expect(msg.message).toContain("This is a DRILL");
  });

  it("escapes markdown and HTML in user text and keeps links from breaking out", async () => {
    const msg = await pushed(
      sampleMessage({
        monitor: { id: "mon_1", name: HOSTILE_NAME, type: "http", target: "https://x" },
        cause: "[click](javascript:alert(1)) ![img](https://evil.example/p.png)\n# Heading",
        runbookUrl: "javascript:alert(1)",
        monitorUrl: "https://upblit.example.com/m/(x)](https://evil.example)",
      }),
    );
    expect(msg.message).toContain("\\<b\\>\\@everyone \\*x\\* \\<\\!channel\\>");
    expect(msg.message).toContain(
      "Cause\\: \\[click\\]\\(javascript\\:alert\\(1\\)\\) \\!\\[img\\]\\(https\\:\\/\\/evil\\.example\\/p\\.png\\) \\# Heading",
    );
    expect(msg.message).not.toContain("[Runbook]");
    expect(msg.message).toContain(
      "[Open monitor](https://upblit.example.com/m/%28x%29]%28https://evil.example%29)",
    );
  });

  it("fails a bad token without retry, with Gotify's explanation", async () => {
    receiver.answer(
      401,
      JSON.stringify({
        error: "Unauthorized",
        errorCode: 401,
        errorDescription: "you need to provide a valid access token",
      }),
    );
    expect(await send(sampleMessage())).toEqual({
      ok: false,
      retryable: false,
      statusCode: 401,
      error: "Gotify 401: Unauthorized: you need to provide a valid access token",
    });
  });

  it("validates its settings: the server URL is required", () => {
    expect(gotifyChannel.config.safeParse({}).success).toBe(false);
    expect(gotifyChannel.config.safeParse({ serverUrl: "ftp://push.example.com" }).success).toBe(false);
    expect(gotifyChannel.secrets.safeParse({ appToken: APP_TOKEN }).success).toBe(true);
    expect(gotifyChannel.secrets.safeParse({ appToken: "A b" }).success).toBe(false);
  });

  outcomeMappingTests(
    gotifyChannel,
    (origin) => ({
      config: gotifyChannel.config.parse({ serverUrl: origin }),
      secrets: { appToken: APP_TOKEN },
    }),
    () => receiver,
  );
});
