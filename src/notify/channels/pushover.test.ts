import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests } from "../../test/chat-channels.ts";
import { type Receiver, startReceiver } from "../../test/receiver.ts";
import { type PushoverConfig, pushoverChannel } from "./pushover.ts";
import type { AlertMessage } from "./types.ts";

const APP_TOKEN = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const USER_KEY = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.answer(200, JSON.stringify({ status: 1, request: "647d2300-702c-4b38-8b2f-d56326ae460b" }));
});

async function send(message: AlertMessage, overrides: Partial<PushoverConfig> = {}) {
  const config = pushoverChannel.config.parse({ apiUrl: receiver.origin, ...overrides });
  return pushoverChannel.send(message, testContext(config, { appToken: APP_TOKEN, userKey: USER_KEY }));
}

interface Pushed {
  title: string;
  message: string;
  priority: number;
  url?: string;
  url_title?: string;
}

async function pushed(message: AlertMessage): Promise<Pushed> {
  await send(message);
  return receiver.requests.at(-1)?.json as Pushed;
}

/** Pushover parses only a small HTML subset: after removing our tags nothing tag-like may remain. */
function expectOnlyOurTags(html: string) {
  expect(html.replace(/<a href="[^"<>]*">|<\/a>/g, "")).not.toMatch(/[<>]/);
}

describe("pushover channel", () => {
  it("posts the documented JSON body to /1/messages.json", async () => {
    const outcome = await send(sampleMessage(), { device: "phone,tablet" });
    expect(outcome).toEqual({
      ok: true,
      statusCode: 200,
      detail: "request 647d2300-702c-4b38-8b2f-d56326ae460b",
    });
    const req = receiver.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/1/messages.json");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.json).toEqual({
      token: APP_TOKEN,
      user: USER_KEY,
      device: "phone,tablet",
      title: "🔴 DOWN: Checkout API",
      message: [
        "Checkout API is down since 2026-11-22 10:00:00 UTC (was up).",
        "Cause: status is 503, expected one of [200]",
        "Monitor: http https://shop.example.com/health",
        "Organization: Acme",
        "",
        '<a href="https://upblit.example.com/monitors/mon_01jdx0000000000000000000000">Open monitor</a> · ' +
          '<a href="https://wiki.example.com/runbooks/checkout">Runbook</a>',
      ].join("\n"),
      html: 1,
      priority: 1,
      url: "https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc",
      url_title: "Acknowledge",
      timestamp: Date.parse("2026-11-22T10:00:00.000Z") / 1000,
    });
  });

  it("words a recovery at normal priority with the monitor as the URL button", async () => {
    const msg = await pushed(
      sampleMessage({
        event: "up",
        state: "up",
        previousState: "down",
        acknowledgeUrl: null,
        runbookUrl: null,
        incident: {
          id: "inc_1",
          startedAt: "2026-11-22T10:00:00.000Z",
          resolvedAt: null,
          durationMs: 90_061_000,
        },
      }),
    );
    expect(msg.title).toBe("🟢 UP: Checkout API");
    expect(msg.priority).toBe(0);
    expect(msg.message).toContain("It was down for 1 d 1 h.");
    expect(msg.url).toBe("https://upblit.example.com/monitors/mon_01jdx0000000000000000000000");
    expect(msg.url_title).toBe("Open monitor");
    expect(msg.message).not.toContain("<a ");
  });

  it("marks drills in the title and body", async () => {
    const msg = await pushed(sampleMessage({ drill: true }));
    expect(msg.title).toBe("[DRILL] 🔴 DOWN: Checkout API");
    expect(msg.message).toContain("This is a DRILL");
  });

  it("escapes hostile names and causes and links only http(s) URLs", async () => {
    const msg = await pushed(
      sampleMessage({
        monitor: { id: "mon_1", name: HOSTILE_NAME, type: "http", target: "https://x" },
        cause: '<font color="red">pwned</font> & <a href="https://evil.example">x</a>',
        runbookUrl: "javascript:alert(1)",
      }),
    );
    expect(msg.message).toContain("&lt;b&gt;@everyone *x* &lt;!channel&gt;");
    expect(msg.message).toContain(
      "Cause: &lt;font color=&quot;red&quot;&gt;pwned&lt;/font&gt; &amp; &lt;a href=&quot;https://evil.example&quot;&gt;x&lt;/a&gt;",
    );
    expect(msg.message).not.toContain("Runbook");
    expectOnlyOurTags(msg.message);
  });

  it("fits the message in 1024 characters even when escaping grows it", async () => {
    const msg = await pushed(sampleMessage({ cause: '"'.repeat(3_000), drill: true }));
    expect(msg.message.length).toBeLessThanOrEqual(1024);
    expect(msg.message).toContain("&quot;…");
    expect(msg.message).not.toMatch(/&[a-z]*…/);
    expectOnlyOurTags(msg.message);
  });

  it("fails without retry when Pushover answers status 0, naming its errors", async () => {
    receiver.answer(
      400,
      JSON.stringify({
        user: "invalid",
        errors: ["user identifier is not a valid user, group, or subscribed user key"],
        status: 0,
        request: "r1",
      }),
    );
    expect(await send(sampleMessage())).toEqual({
      ok: false,
      retryable: false,
      statusCode: 400,
      error: "Pushover 400: user identifier is not a valid user, group, or subscribed user key",
    });
  });

  it("never takes a 200 without status 1 as delivered", async () => {
    receiver.answer(200, JSON.stringify({ status: 0, errors: ["message cannot be blank"] }));
    expect(await send(sampleMessage())).toEqual({
      ok: false,
      retryable: false,
      statusCode: 200,
      error: "Pushover refused: message cannot be blank",
    });
    receiver.answer(200, "<html>captive portal</html>");
    expect(await send(sampleMessage())).toMatchObject({ ok: false, retryable: false });
  });

  it("retries 429 after Retry-After, with Pushover's errors", async () => {
    receiver.answer(429, JSON.stringify({ status: 0, errors: ["over quota"] }), { "retry-after": "60" });
    expect(await send(sampleMessage())).toMatchObject({
      ok: false,
      retryable: true,
      retryAfterMs: 60_000,
      error: "Pushover 429: over quota",
    });
  });

  it("validates its settings", () => {
    expect(pushoverChannel.config.parse({})).toEqual({ apiUrl: "https://api.pushover.net" });
    expect(pushoverChannel.config.safeParse({ device: "a b" }).success).toBe(false);
    expect(pushoverChannel.secrets.safeParse({ appToken: APP_TOKEN, userKey: USER_KEY }).success).toBe(true);
    expect(pushoverChannel.secrets.safeParse({ appToken: APP_TOKEN, userKey: "short" }).success).toBe(false);
    expect(pushoverChannel.secrets.safeParse({ appToken: APP_TOKEN }).success).toBe(false);
  });

  outcomeMappingTests(
    pushoverChannel,
    (origin) => ({
      config: pushoverChannel.config.parse({ apiUrl: origin }),
      secrets: { appToken: APP_TOKEN, userKey: USER_KEY },
    }),
    () => receiver,
  );
});
