import { describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests, useReceiver } from "../../test/chat-channels.ts";
import { discordChannel } from "./discord.ts";

interface DiscordBody {
  username: string;
  content: string;
  allowed_mentions: { parse: string[] };
  embeds: Array<{
    title: string;
    url?: string;
    description: string;
    color: number;
    timestamp: string;
    footer: { text: string };
  }>;
}

describe("discord channel", () => {
  const receiver = useReceiver();
  const settings = (origin: string) => ({
    config: {},
    secrets: { webhookUrl: `${origin}/api/webhooks/123456789/tok-en_ABC` },
  });

  async function deliver(overrides: Parameters<typeof sampleMessage>[0] = {}) {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(204);
    const outcome = await discordChannel.send(sampleMessage(overrides), testContext(config, secrets));
    const [request] = await receiver().waitFor(1);
    const body = request!.json as DiscordBody;
    return { outcome, request: request!, body, embed: body.embeds[0]! };
  }

  it("executes the webhook with username, content, one red embed and no mentions allowed", async () => {
    const { outcome, request, body, embed } = await deliver();
    expect(outcome).toEqual({ ok: true, statusCode: 204 });
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/api/webhooks/123456789/tok-en_ABC");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(body.username).toBe("Upblit");
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content).toBe("🔴 DOWN\\: Checkout API");
    expect(body.embeds).toHaveLength(1);
    expect(embed.title).toBe("🔴 DOWN\\: Checkout API");
    expect(embed.url).toBe("https://upblit.example.com/monitors/mon_01jdx0000000000000000000000");
    expect(embed.color).toBe(0xd92d20);
    expect(embed.timestamp).toBe("2026-11-22T10:00:00.000Z");
    expect(embed.footer).toEqual({ text: "Acme" });
    expect(embed.description).toContain(
      "Checkout API is down since 2026\\-11\\-22 10\\:00\\:00 UTC \\(was up\\)\\.",
    );
    expect(embed.description).toContain("Cause\\: status is 503\\, expected one of \\[200\\]");
    expect(embed.description).toContain(
      "[Acknowledge](https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc)",
    );
    expect(embed.description).toContain("[Runbook](https://wiki.example.com/runbooks/checkout)");
  });

  it("colours a recovery green and words it with the duration", async () => {
    const { embed } = await deliver({
      event: "up",
      state: "up",
      previousState: "down",
      cause: null,
      acknowledgeUrl: null,
      incident: {
        id: "inc_1",
        startedAt: "2026-11-22T10:00:00.000Z",
        resolvedAt: null,
        durationMs: 3 * 3_600_000,
      },
    });
    expect(embed.title).toBe("🟢 UP\\: Checkout API");
    expect(embed.color).toBe(0x1f9d55);
    expect(embed.description).toContain("It was down for 3 h\\.");
    expect(embed.description).not.toContain("Acknowledge");
  });

  it("colours degraded amber and marks a drill", async () => {
    const { body, embed } = await deliver({ event: "degraded", state: "degraded", drill: true });
    expect(embed.color).toBe(0xf59e0b);
    expect(body.content).toBe("\\[DRILL\\] 🟠 DEGRADED\\: Checkout API");
    expect(embed.description).toContain("This is a DRILL");
  });

  it("escapes markdown and breaks mentions in user text", async () => {
    const { body, embed } = await deliver({
      monitor: { ...sampleMessage().monitor, name: HOSTILE_NAME },
      cause: "||spoiler|| <@123> <@&456> `code` ~~x~~ > quote\n# heading",
      runbookUrl: "javascript:alert(1)",
    });
    expect(embed.title).toBe("🔴 DOWN\\: \\<b\\>\\@\u200beveryone \\*x\\* \\<\\!channel\\>");
    expect(body.content).toBe(embed.title);
    expect(embed.description).toContain(
      "\\|\\|spoiler\\|\\| \\<\\@\u200b123\\> \\<\\@\u200b\\&456\\> \\`code\\` \\~\\~x\\~\\~ \\> quote \\# heading",
    );
    expect(body.allowed_mentions.parse).toEqual([]);
    expect(JSON.stringify(body)).not.toContain("javascript:");
    expect(JSON.stringify(body)).not.toContain("@everyone");
  });

  it("keeps link URLs from closing the markdown link early", async () => {
    const { embed } = await deliver({ runbookUrl: "https://wiki.example.com/a_(b)[c]" });
    expect(embed.description).toContain("[Runbook](https://wiki.example.com/a_%28b%29[c])");
  });

  it("stays within Discord's embed limits for a huge cause", async () => {
    const { embed } = await deliver({ cause: "*".repeat(20_000) });
    expect(embed.description.length).toBeLessThanOrEqual(4096);
    expect(embed.title.length).toBeLessThanOrEqual(256);
  });

  it("takes the wait from Discord's JSON retry_after (seconds, fractional)", async () => {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(
      429,
      JSON.stringify({ message: "You are being rate limited.", retry_after: 1.5, global: false }),
      {
        "content-type": "application/json",
        "retry-after": "2",
      },
    );
    const outcome = await discordChannel.send(sampleMessage(), testContext(config, secrets));
    expect(outcome).toEqual({
      ok: false,
      retryable: true,
      statusCode: 429,
      retryAfterMs: 1500,
      error: "Discord 429: You are being rate limited.",
    });
  });

  it("disables the channel when Discord says the webhook is unknown", async () => {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(404, JSON.stringify({ message: "Unknown Webhook", code: 10015 }), {
      "content-type": "application/json",
    });
    const outcome = await discordChannel.send(sampleMessage(), testContext(config, secrets));
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      disable: true,
      statusCode: 404,
      error: "Discord 404: Unknown Webhook",
    });
  });

  it("reports Discord's message for an invalid body without disabling", async () => {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(400, JSON.stringify({ message: "Invalid Form Body", code: 50035 }));
    const outcome = await discordChannel.send(sampleMessage(), testContext(config, secrets));
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      statusCode: 400,
      error: "Discord 400: Invalid Form Body",
    });
  });

  outcomeMappingTests(discordChannel, settings, receiver);
});
