import { describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests, useReceiver } from "../../test/chat-channels.ts";
import { slackChannel } from "./slack.ts";

interface SlackBody {
  text: string;
  blocks: Array<{ type: string; text: { type: string; text: string; emoji?: boolean } }>;
}

describe("slack channel", () => {
  const receiver = useReceiver();
  const settings = (origin: string) => ({
    config: {},
    secrets: { webhookUrl: `${origin}/services/T000/B000/XXXX` },
  });

  async function deliver(overrides: Parameters<typeof sampleMessage>[0] = {}) {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(200, "ok", { "content-type": "text/plain" });
    const outcome = await slackChannel.send(sampleMessage(overrides), testContext(config, secrets));
    const [request] = await receiver().waitFor(1);
    return { outcome, request: request!, body: request!.json as SlackBody };
  }

  it("posts Block Kit blocks and a fallback text to the webhook URL", async () => {
    const { outcome, request, body } = await deliver();
    expect(outcome).toEqual({ ok: true, statusCode: 200 });
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/services/T000/B000/XXXX");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(Object.keys(body).sort()).toEqual(["blocks", "text"]);
    expect(body.text).toBe(
      "🔴 DOWN: Checkout API — Checkout API is down since 2026-11-22 10:00:00 UTC (was up).",
    );
    expect(body.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "🔴 DOWN: Checkout API", emoji: true },
    });
    expect(body.blocks[1]?.text).toEqual({
      type: "plain_text",
      emoji: true,
      text: [
        "Checkout API is down since 2026-11-22 10:00:00 UTC (was up).",
        "Cause: status is 503, expected one of [200]",
        "Monitor: http https://shop.example.com/health",
        "Organization: Acme",
      ].join("\n"),
    });
    expect(body.blocks[2]?.text).toEqual({
      type: "mrkdwn",
      text: [
        "<https://upblit.example.com/monitors/mon_01jdx0000000000000000000000|Open monitor>",
        "<https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc|Acknowledge>",
        "<https://wiki.example.com/runbooks/checkout|Runbook>",
      ].join("  ·  "),
    });
  });

  it("words a recovery with the incident's duration and no acknowledge link", async () => {
    const { body } = await deliver({
      event: "up",
      state: "up",
      previousState: "down",
      since: "2026-11-22T10:12:05.000Z",
      cause: null,
      acknowledgeUrl: null,
      incident: {
        id: "inc_1",
        startedAt: "2026-11-22T10:00:00.000Z",
        resolvedAt: "2026-11-22T10:12:05.000Z",
        durationMs: 725_000,
      },
    });
    expect(body.blocks[0]?.text.text).toBe("🟢 UP: Checkout API");
    expect(body.blocks[1]?.text.text).toContain(
      "Checkout API is up again since 2026-11-22 10:12:05 UTC (was down).",
    );
    expect(body.blocks[1]?.text.text).toContain("It was down for 12 min 5 s.");
    expect(body.blocks[2]?.text.text).not.toContain("Acknowledge");
  });

  it("marks a drill in the title, the text and the body", async () => {
    const { body } = await deliver({ drill: true });
    expect(body.blocks[0]?.text.text).toBe("[DRILL] 🔴 DOWN: Checkout API");
    expect(body.text.startsWith("[DRILL] 🔴 DOWN")).toBe(true);
    expect(body.blocks[1]?.text.text).toContain("This is a DRILL");
  });

  it("escapes mrkdwn and breaks mentions in user text", async () => {
    const { body } = await deliver({
      monitor: { ...sampleMessage().monitor, name: HOSTILE_NAME },
      cause: "<!here> & <@U123|boss>",
      runbookUrl: "javascript:alert(1)",
    });
    expect(body.text).toContain("&lt;b&gt;@\u200beveryone *x* &lt;!channel&gt;");
    expect(body.text).not.toMatch(/<!|<@|<b>/);
    // plain_text is never parsed by Slack: the name stays as typed there.
    expect(body.blocks[0]?.text).toMatchObject({ type: "plain_text", text: `🔴 DOWN: ${HOSTILE_NAME}` });
    expect(body.blocks[1]?.text.type).toBe("plain_text");
    expect(JSON.stringify(body)).not.toContain("javascript:");
  });

  it("keeps link URLs from breaking out of Slack's <url|label> syntax", async () => {
    const { body } = await deliver({ runbookUrl: "https://wiki.example.com/a|b>c?x=1&y=<2>" });
    expect(body.blocks[2]?.text.text).toContain(
      "<https://wiki.example.com/a%7Cb%3Ec?x=1&amp;y=%3C2%3E|Runbook>",
    );
  });

  it("disables the channel when Slack says the webhook is gone (404 no_service)", async () => {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(404, "no_service");
    const outcome = await slackChannel.send(sampleMessage(), testContext(config, secrets));
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      disable: true,
      statusCode: 404,
      error: "Slack 404: no_service",
    });
  });

  it("reports Slack's error string for a refused payload", async () => {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(400, "invalid_payload");
    const outcome = await slackChannel.send(sampleMessage(), testContext(config, secrets));
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      statusCode: 400,
      error: "Slack 400: invalid_payload",
    });
  });

  it("accepts only an http(s) webhook URL as its secret", () => {
    expect(
      slackChannel.secrets.safeParse({ webhookUrl: "https://hooks.slack.com/services/T/B/X" }).success,
    ).toBe(true);
    for (const webhookUrl of [
      "ftp://hooks.slack.com/x",
      "javascript:alert(1)",
      "https://u:p@hooks.slack.com/x",
    ])
      expect(slackChannel.secrets.safeParse({ webhookUrl }).success).toBe(false);
    expect(
      slackChannel.secrets.safeParse({ webhookUrl: `https://h.example/${"a".repeat(2100)}` }).success,
    ).toBe(false);
    expect(slackChannel.config.safeParse({ extra: 1 }).success).toBe(false);
  });

  outcomeMappingTests(slackChannel, settings, receiver);
});
