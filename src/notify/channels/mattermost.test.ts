import { describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests, useReceiver } from "../../test/chat-channels.ts";
import { type MattermostConfig, mattermostChannel } from "./mattermost.ts";

interface MattermostBody {
  text: string;
  channel?: string;
  username?: string;
  icon_url?: string;
}

describe("mattermost channel", () => {
  const receiver = useReceiver();
  const settings = (origin: string) => ({
    config: {} as MattermostConfig,
    secrets: { webhookUrl: `${origin}/hooks/xxx-generatedkey-xxx` },
  });

  async function deliver(overrides: Parameters<typeof sampleMessage>[0] = {}, config: MattermostConfig = {}) {
    const { secrets } = settings(receiver().origin);
    receiver().answer(200, "ok", { "content-type": "text/plain" });
    const outcome = await mattermostChannel.send(sampleMessage(overrides), testContext(config, secrets));
    const [request] = await receiver().waitFor(1);
    return { outcome, request: request!, body: request!.json as MattermostBody };
  }

  it("posts escaped markdown text to the hook", async () => {
    const { outcome, request, body } = await deliver();
    expect(outcome).toEqual({ ok: true, statusCode: 200 });
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/hooks/xxx-generatedkey-xxx");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(Object.keys(body)).toEqual(["text"]);
    expect(body.text).toBe(
      [
        "#### 🔴 DOWN\\: Checkout API",
        [
          "Checkout API is down since 2026\\-11\\-22 10\\:00\\:00 UTC \\(was up\\)\\.",
          "Cause\\: status is 503\\, expected one of \\[200\\]",
          "Monitor\\: http https\\:\\/\\/shop\\.example\\.com\\/health",
          "Organization\\: Acme",
        ].join("  \n"),
        [
          "[Open monitor](https://upblit.example.com/monitors/mon_01jdx0000000000000000000000)",
          "[Acknowledge](https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc)",
          "[Runbook](https://wiki.example.com/runbooks/checkout)",
        ].join(" · "),
      ].join("\n\n"),
    );
  });

  it("sends the channel, username and icon overrides when configured", async () => {
    const { body } = await deliver(
      {},
      { channel: "ops-alerts", username: "upblit", iconUrl: "https://upblit.example.com/icon.png" },
    );
    expect(body).toMatchObject({
      channel: "ops-alerts",
      username: "upblit",
      icon_url: "https://upblit.example.com/icon.png",
    });
  });

  it("words a recovery with its duration and marks a drill", async () => {
    const { body } = await deliver({
      event: "up",
      state: "up",
      previousState: "down",
      cause: null,
      acknowledgeUrl: null,
      drill: true,
      incident: { id: "inc_1", startedAt: "2026-11-22T10:00:00.000Z", resolvedAt: null, durationMs: 600_000 },
    });
    expect(body.text.startsWith("#### \\[DRILL\\] 🟢 UP\\: Checkout API\n\n")).toBe(true);
    expect(body.text).toContain("It was down for 10 min\\.");
    expect(body.text).toContain("This is a DRILL");
    expect(body.text).not.toContain("Acknowledge");
  });

  it("escapes markdown and breaks @-mentions in user text", async () => {
    const { body } = await deliver({
      monitor: { ...sampleMessage().monitor, name: HOSTILE_NAME },
      cause: "@channel @all @here ![img](https://tracker.example/p.png)\n> quote",
      runbookUrl: "javascript:alert(1)",
    });
    expect(body.text).toContain("\\<b\\>\\@\u200beveryone \\*x\\* \\<\\!channel\\>");
    expect(body.text).toContain(
      "\\@\u200bchannel \\@\u200ball \\@\u200bhere \\!\\[img\\]\\(https\\:\\/\\/tracker\\.example\\/p\\.png\\) \\> quote",
    );
    expect(body.text).not.toMatch(/@(channel|all|here|everyone)/);
    expect(body.text).not.toContain("javascript:");
  });

  it("reports Mattermost's error message", async () => {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(
      400,
      JSON.stringify({
        id: "web.incoming_webhook.text.app_error",
        message: "No text specified.",
        status_code: 400,
      }),
      { "content-type": "application/json" },
    );
    const outcome = await mattermostChannel.send(sampleMessage(), testContext(config, secrets));
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      statusCode: 400,
      error: "Mattermost 400: No text specified. (web.incoming_webhook.text.app_error)",
    });
  });

  it("validates the overrides", () => {
    const parse = (config: unknown) => mattermostChannel.config.safeParse(config).success;
    expect(parse({ channel: "town-square", username: "up.blit", iconUrl: "https://x.example/i.png" })).toBe(
      true,
    );
    expect(parse({ channel: "@alice" })).toBe(true);
    expect(parse({ channel: "town square" })).toBe(false);
    expect(parse({ username: "a\nb" })).toBe(false);
    expect(parse({ iconUrl: "file:///etc/passwd" })).toBe(false);
    expect(parse({ color: "red" })).toBe(false);
  });

  outcomeMappingTests(mattermostChannel, settings, receiver);
});
