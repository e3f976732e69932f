import { describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests, useReceiver } from "../../test/chat-channels.ts";
import { teamsChannel } from "./teams.ts";

interface TextRun {
  type: string;
  text: string;
  weight?: string;
  size?: string;
  color?: string;
}
interface Card {
  $schema: string;
  type: string;
  version: string;
  body: Array<{ type: string; inlines: TextRun[] }>;
  actions: Array<{ type: string; title: string; url: string }>;
}
interface TeamsBody {
  type: string;
  attachments: Array<{ contentType: string; contentUrl: null; content: Card }>;
}

const WORKFLOW_PATH =
  "/workflows/abc/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=s3cr3t";

describe("teams channel", () => {
  const receiver = useReceiver();
  const settings = (origin: string) => ({ config: {}, secrets: { webhookUrl: `${origin}${WORKFLOW_PATH}` } });

  async function deliver(overrides: Parameters<typeof sampleMessage>[0] = {}) {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(202);
    const outcome = await teamsChannel.send(sampleMessage(overrides), testContext(config, secrets));
    const [request] = await receiver().waitFor(1);
    const body = request!.json as TeamsBody;
    const card = body.attachments[0]!.content;
    const texts = card.body.map((block) => block.inlines.map((run) => run.text).join(""));
    return { outcome, request: request!, body, card, texts };
  }

  it("posts an Adaptive Card 1.4 in the Workflows message envelope", async () => {
    const { outcome, request, body, card, texts } = await deliver();
    expect(outcome).toEqual({ ok: true, statusCode: 202 });
    expect(request.method).toBe("POST");
    expect(request.path).toBe(WORKFLOW_PATH);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(body.type).toBe("message");
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]).toMatchObject({
      contentType: "application/vnd.microsoft.card.adaptive",
      contentUrl: null,
    });
    expect(card).toMatchObject({
      $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
      type: "AdaptiveCard",
      version: "1.4",
    });
    expect(card.body[0]).toEqual({
      type: "RichTextBlock",
      inlines: [
        {
          type: "TextRun",
          text: "🔴 DOWN: Checkout API",
          weight: "Bolder",
          size: "Large",
          color: "Attention",
        },
      ],
    });
    expect(texts.slice(1)).toEqual([
      "Checkout API is down since 2026-11-22 10:00:00 UTC (was up).",
      "Cause: status is 503, expected one of [200]",
      "Monitor: http https://shop.example.com/health",
      "Organization: Acme",
    ]);
    expect(card.actions).toEqual([
      {
        type: "Action.OpenUrl",
        title: "Open monitor",
        url: "https://upblit.example.com/monitors/mon_01jdx0000000000000000000000",
      },
      {
        type: "Action.OpenUrl",
        title: "Acknowledge",
        url: "https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc",
      },
      { type: "Action.OpenUrl", title: "Runbook", url: "https://wiki.example.com/runbooks/checkout" },
    ]);
  });

  it("words a recovery in green with its duration", async () => {
    const { card, texts } = await deliver({
      event: "up",
      state: "up",
      previousState: "down",
      cause: null,
      acknowledgeUrl: null,
      incident: { id: "inc_1", startedAt: "2026-11-22T10:00:00.000Z", resolvedAt: null, durationMs: 45_000 },
    });
    expect(card.body[0]?.inlines[0]).toMatchObject({ text: "🟢 UP: Checkout API", color: "Good" });
    expect(texts).toContain("It was down for 45 s.");
    expect(card.actions.map((action) => action.title)).toEqual(["Open monitor", "Runbook"]);
  });

  it("marks a drill", async () => {
    const drill = await deliver({ drill: true });
    expect(drill.texts[0]).toBe("[DRILL] 🔴 DOWN: Checkout API");
    expect(drill.texts).toContain("This is a DRILL: a simulated alert, nothing is actually down.");
  });

  it("marks a test-send", async () => {
    const { card, texts } = await deliver({ event: "test", drill: true });
    expect(texts[0]).toBe("🧪 TEST: Checkout API");
    expect(card.body[0]?.inlines[0]?.color).toBe("Accent");
    expect(texts).toContain("This is a test-send from Upblit: nothing is wrong.");
  });

  it("puts user text only in literal TextRuns, never in markdown TextBlocks or mentions", async () => {
    const { card, texts } = await deliver({
      monitor: { ...sampleMessage().monitor, name: HOSTILE_NAME },
      cause: "<at>boss</at> **bold** [x](https://evil.example)\nsecond line",
      runbookUrl: "javascript:alert(1)",
    });
    expect(texts[0]).toBe(`🔴 DOWN: ${HOSTILE_NAME}`);
    expect(texts).toContain("Cause: <at>boss</at> **bold** [x](https://evil.example) second line");
    expect(card.body.every((block) => block.type === "RichTextBlock")).toBe(true);
    expect(card.body.flatMap((block) => block.inlines).every((run) => run.type === "TextRun")).toBe(true);
    expect(card).not.toHaveProperty("msteams.entities");
    expect(JSON.stringify(card)).not.toContain("javascript:");
  });

  it("reports the workflow's own error", async () => {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(
      400,
      JSON.stringify({
        error: { code: "TriggerInputSchemaMismatch", message: "The input body does not match" },
      }),
      { "content-type": "application/json" },
    );
    const outcome = await teamsChannel.send(sampleMessage(), testContext(config, secrets));
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      statusCode: 400,
      error: "Teams workflow 400: TriggerInputSchemaMismatch: The input body does not match",
    });
  });

  outcomeMappingTests(teamsChannel, settings, receiver);
});
