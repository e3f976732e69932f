import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests } from "../../test/chat-channels.ts";
import { PATIENCE_MS } from "../../test/patience.ts";
import { type Receiver, startReceiver } from "../../test/receiver.ts";
import { type TelegramConfig, telegramChannel } from "./telegram.ts";
import type { AlertMessage } from "./types.ts";

const TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-bs";

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.answer(200, JSON.stringify({ ok: true, result: { message_id: 42 } }), {
    "content-type": "application/json",
  });
});

function config(overrides: Partial<TelegramConfig> = {}): TelegramConfig {
  return telegramChannel.config.parse({ chatId: "-1001234567890", apiUrl: receiver.origin, ...overrides });
}

async function send(message: AlertMessage, timeoutMs = PATIENCE_MS) {
  return telegramChannel.send(message, testContext(config(), { botToken: TOKEN }, timeoutMs));
}

async function sentText(message: AlertMessage): Promise<string> {
  await send(message);
  const body = receiver.requests[0]?.json as { text: string };
  return body.text;
}

/** Telegram's HTML parser accepts only known tags: after removing ours nothing tag-like may remain. */
function expectOnlyOurTags(text: string) {
  const stripped = text.replace(/<\/?b>/g, "").replace(/<a href="[^"<>]*">|<\/a>/g, "");
  expect(stripped).not.toMatch(/[<>]/);
}

describe("telegram channel", () => {
  it("posts sendMessage with the documented JSON body to /bot<token>/sendMessage", async () => {
    const outcome = await telegramChannel.send(
      sampleMessage(),
      testContext(config({ messageThreadId: 7 }), { botToken: TOKEN }),
    );
    expect(outcome).toEqual({ ok: true, statusCode: 200, detail: "message_id 42" });
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe(`/bot${TOKEN}/sendMessage`);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.json).toEqual({
      chat_id: "-1001234567890",
      message_thread_id: 7,
      text: expect.any(String),
      parse_mode: "HTML",
      disable_web_page_preview: true,
      link_preview_options: { is_disabled: true },
    });
  });

  it("words a down alert: title, since, cause, monitor and links", async () => {
    const text = await sentText(sampleMessage());
    expect(text.startsWith("<b>🔴 DOWN: Checkout API</b>\n\n")).toBe(true);
    expect(text).toContain("Checkout API is down since 2026-11-22 10:00:00 UTC (was up).");
    expect(text).toContain("Cause: status is 503, expected one of [200]");
    expect(text).toContain("Monitor: http https://shop.example.com/health");
    expect(text).toContain(
      '<a href="https://upblit.example.com/monitors/mon_01jdx0000000000000000000000">Open monitor</a>',
    );
    expect(text).toContain(
      '<a href="https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc">Acknowledge</a>',
    );
    expect(text).toContain('<a href="https://wiki.example.com/runbooks/checkout">Runbook</a>');
    expect(text).not.toContain("DRILL");
    expectOnlyOurTags(text);
  });

  it("words a recovery with the incident duration and no acknowledge link", async () => {
    const text = await sentText(
      sampleMessage({
        event: "up",
        state: "up",
        previousState: "down",
        since: "2026-11-22T10:12:34.000Z",
        acknowledgeUrl: null,
        incident: {
          id: "inc_1",
          startedAt: "2026-11-22T10:00:00.000Z",
          resolvedAt: "2026-11-22T10:12:34.000Z",
          durationMs: 754_000,
        },
      }),
    );
    expect(text.startsWith("<b>🟢 UP: Checkout API</b>")).toBe(true);
    expect(text).toContain("Checkout API is up again since 2026-11-22 10:12:34 UTC (was down).");
    expect(text).toContain("It was down for 12 min 34 s.");
    expect(text).not.toContain("Acknowledge");
    expect(text).not.toContain("Cause:");
  });

  it("marks a drill in the title and the body", async () => {
    const text = await sentText(sampleMessage({ drill: true }));
    expect(text.startsWith("<b>[DRILL] 🔴 DOWN: Checkout API</b>")).toBe(true);
    expect(text).toContain("This is a DRILL: a simulated alert, nothing is actually down.");
  });

  it("escapes hostile names and causes and links only http(s) URLs", async () => {
    const text = await sentText(
      sampleMessage({
        monitor: { id: "mon_1", name: HOSTILE_NAME, type: "http", target: "https://x.example/?a=1&b=<2>" },
        organization: { id: "org_1", name: 'Acme "&" <i>Co</i>' },
        cause: '</b><a href="javascript:alert(1)">click</a>',
        runbookUrl: "javascript:alert(1)",
        monitorUrl: 'https://upblit.example.com/m?x="><script>alert(1)</script>',
      }),
    );
    expect(text).toContain("&lt;b&gt;@everyone *x* &lt;!channel&gt;");
    expect(text).toContain("Organization: Acme &quot;&amp;&quot; &lt;i&gt;Co&lt;/i&gt;");
    expect(text).toContain("Cause: &lt;/b&gt;&lt;a href=&quot;javascript:alert(1)&quot;&gt;click&lt;/a&gt;");
    expect(text).not.toContain("Runbook");
    expect(text).not.toContain("<script>");
    expect(text).toContain(
      '<a href="https://upblit.example.com/m?x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E">',
    );
    expectOnlyOurTags(text);
  });

  it("keeps a very long cause under Telegram's 4096 characters", async () => {
    const text = await sentText(sampleMessage({ cause: "x".repeat(10_000) }));
    expect(text.length).toBeLessThan(4096);
    expect(text).toContain("x…");
  });

  it("fails without retry when Telegram answers 200 with ok: false", async () => {
    receiver.answer(200, JSON.stringify({ ok: false, description: "Bad Request: something" }));
    expect(await send(sampleMessage())).toEqual({
      ok: false,
      retryable: false,
      statusCode: 200,
      error: "Telegram refused: Bad Request: something",
    });
  });

  it("fails without retry on 400 with Telegram's description, never showing the token", async () => {
    receiver.answer(
      400,
      JSON.stringify({ ok: false, error_code: 400, description: "Bad Request: chat not found" }),
    );
    const outcome = await send(sampleMessage());
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      statusCode: 400,
      error: "Telegram 400: Bad Request: chat not found",
    });
  });

  it("names the new chat id when a group became a supergroup", async () => {
    receiver.answer(
      400,
      JSON.stringify({
        ok: false,
        description: "Bad Request: group chat was upgraded to a supergroup chat",
        parameters: { migrate_to_chat_id: -1009876543210 },
      }),
    );
    const outcome = await send(sampleMessage());
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toContain("use chat id -1009876543210");
  });

  it("retries a 429 after parameters.retry_after", async () => {
    receiver.answer(
      429,
      JSON.stringify({
        ok: false,
        description: "Too Many Requests: retry after 17",
        parameters: { retry_after: 17 },
      }),
    );
    expect(await send(sampleMessage())).toMatchObject({ ok: false, retryable: true, retryAfterMs: 17_000 });
  });

  it("retries a 429 after the Retry-After header when the body has none", async () => {
    receiver.answer(429, "slow down", { "retry-after": "5" });
    expect(await send(sampleMessage())).toMatchObject({ ok: false, retryable: true, retryAfterMs: 5_000 });
  });

  it("treats a receiver that never answers as a retryable timeout", async () => {
    receiver.respond(() => {});
    const outcome = await send(sampleMessage(), 300);
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(!outcome.ok && outcome.error).toContain("300 ms");
    expect(!outcome.ok && outcome.error).not.toContain(TOKEN);
  });

  it("validates its settings: strict token shape, http(s) API URL, chat id forms", () => {
    expect(telegramChannel.config.parse({ chatId: "@upblit_alerts" })).toEqual({
      chatId: "@upblit_alerts",
      apiUrl: "https://api.telegram.org",
    });
    expect(telegramChannel.config.safeParse({ chatId: "12 34" }).success).toBe(false);
    expect(telegramChannel.config.safeParse({ chatId: "1", apiUrl: "file:///etc/passwd" }).success).toBe(
      false,
    );
    expect(telegramChannel.config.safeParse({ chatId: "1", extra: true }).success).toBe(false);
    expect(telegramChannel.secrets.safeParse({ botToken: TOKEN }).success).toBe(true);
    expect(
      telegramChannel.secrets.safeParse({ botToken: "1:abc/../../x?y=aaaaaaaaaaaaaaaaaaaa" }).success,
    ).toBe(false);
  });

  outcomeMappingTests(
    telegramChannel,
    (origin) => ({
      config: config({ apiUrl: origin }),
      secrets: { botToken: TOKEN },
    }),
    () => receiver,
  );
});
