import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests } from "../../test/chat-channels.ts";
import { type Receiver, startReceiver } from "../../test/receiver.ts";
import { type NtfySecrets, ntfyChannel } from "./ntfy.ts";
import type { AlertMessage } from "./types.ts";

const TOKEN = "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2";

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.answer(
    200,
    JSON.stringify({ id: "sPs71M8A2T", time: 1_700_000_000, event: "message", topic: "t" }),
  );
});

async function send(
  message: AlertMessage,
  secrets: NtfySecrets = { accessToken: TOKEN },
  serverUrl = receiver.origin,
) {
  const config = ntfyChannel.config.parse({ serverUrl, topic: "upblit-alerts_x1" });
  return ntfyChannel.send(message, testContext(config, secrets));
}

interface Published {
  title: string;
  message: string;
  priority: number;
  tags: string[];
  actions?: Array<{ label: string; url: string }>;
}

async function published(message: AlertMessage): Promise<Published> {
  await send(message);
  return receiver.requests.at(-1)?.json as Published;
}

describe("ntfy channel", () => {
  it("publishes JSON to the server root with the bearer token", async () => {
    expect(await send(sampleMessage())).toEqual({
      ok: true,
      statusCode: 200,
      detail: "message id sPs71M8A2T",
    });
    const req = receiver.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/");
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.json).toEqual({
      topic: "upblit-alerts_x1",
      title: "🔴 DOWN: Checkout API",
      message: [
        "Checkout API is down since 2026-11-22 10:00:00 UTC (was up).",
        "Cause: status is 503, expected one of [200]",
        "Monitor: http https://shop.example.com/health",
        "Organization: Acme",
      ].join("\n"),
      priority: 5,
      tags: ["rotating_light"],
      click: "https://upblit.example.com/monitors/mon_01jdx0000000000000000000000",
      actions: [
        {
          action: "view",
          label: "Acknowledge",
          url: "https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc",
          clear: true,
        },
        { action: "view", label: "Runbook", url: "https://wiki.example.com/runbooks/checkout" },
      ],
    });
  });

  it("sends no authorization header without a token, and posts under a server sub-path", async () => {
    await send(sampleMessage(), {}, `${receiver.origin}/ntfy/`);
    const req = receiver.requests[0]!;
    expect(req.path).toBe("/ntfy/");
    expect(req.headers.authorization).toBeUndefined();
  });

  it("words a recovery at default priority without an acknowledge button", async () => {
    const msg = await published(
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
          durationMs: 95_000,
        },
      }),
    );
    expect(msg.title).toBe("🟢 UP: Checkout API");
    expect(msg.priority).toBe(3);
    expect(msg.tags).toEqual(["white_check_mark"]);
    expect(msg.message).toContain("It was down for 1 min 35 s.");
    expect(msg.actions).toBeUndefined();
  });

  it("sends degraded at high priority", async () => {
    const msg = await published(sampleMessage({ event: "degraded", state: "degraded" }));
    expect(msg.priority).toBe(4);
    expect(msg.tags).toEqual(["warning"]);
  });

  it("marks drills in the title, tags and message", async () => {
    const msg = await published(sampleMessage({ drill: true }));
    expect(msg.title).toBe("[DRILL] 🔴 DOWN: Checkout API");
    expect(msg.tags).toEqual(["rotating_light", "drill"]);
    expect(msg.message).toContain("This is a DRILL");
  });

  it("keeps hostile names as plain text and drops non-http(s) buttons", async () => {
    const msg = await published(
      sampleMessage({
        monitor: { id: "mon_1", name: `${HOSTILE_NAME}\nline`, type: "http", target: "https://x" },
        runbookUrl: "javascript:alert(1)",
      }),
    );
    expect(msg.title).toBe(`🔴 DOWN: ${HOSTILE_NAME} line`);
    expect(msg.actions?.map((a) => a.label)).toEqual(["Acknowledge"]);
  });

  it("keeps the message under ntfy's 4096 bytes so it is not turned into an attachment", async () => {
    const msg = await published(sampleMessage({ cause: "é".repeat(5_000) }));
    expect(Buffer.byteLength(msg.message)).toBeLessThanOrEqual(4096);
    expect(msg.message.endsWith("é…")).toBe(true);
  });

  it("fails a forbidden topic without retry, with ntfy's reason", async () => {
    receiver.answer(
      403,
      JSON.stringify({ code: 40301, http: 403, error: "forbidden", link: "https://ntfy.sh/docs" }),
    );
    expect(await send(sampleMessage())).toEqual({
      ok: false,
      retryable: false,
      statusCode: 403,
      error: "ntfy 403: forbidden",
    });
  });

  it("retries 429 after Retry-After, with ntfy's reason", async () => {
    receiver.answer(
      429,
      JSON.stringify({ code: 42901, http: 429, error: "limit reached: too many requests" }),
      {
        "retry-after": "9",
      },
    );
    expect(await send(sampleMessage())).toMatchObject({
      ok: false,
      retryable: true,
      retryAfterMs: 9_000,
      error: "ntfy 429: limit reached: too many requests",
    });
  });

  it("validates its settings", () => {
    expect(ntfyChannel.config.parse({ topic: "alerts" })).toEqual({
      serverUrl: "https://ntfy.sh",
      topic: "alerts",
    });
    expect(ntfyChannel.config.safeParse({ topic: "a/b" }).success).toBe(false);
    expect(ntfyChannel.config.safeParse({ topic: "a", serverUrl: "javascript:x" }).success).toBe(false);
    expect(ntfyChannel.secrets.parse({})).toEqual({});
    expect(ntfyChannel.secrets.safeParse({ accessToken: "tk_x\r\nHost: evil" }).success).toBe(false);
  });

  outcomeMappingTests(
    ntfyChannel,
    (origin) => ({
      config: ntfyChannel.config.parse({ serverUrl: origin, topic: "upblit-alerts_x1" }),
      secrets: { accessToken: TOKEN },
    }),
    () => receiver,
  );
});
