import { describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests, useReceiver } from "../../test/chat-channels.ts";
import { googlechatChannel } from "./googlechat.ts";

interface Widget {
  textParagraph?: { text: string };
  buttonList?: { buttons: Array<{ text: string; onClick: { openLink: { url: string } } }> };
}
interface GoogleChatBody {
  fallbackText: string;
  thread: { threadKey: string };
  cardsV2: Array<{
    cardId: string;
    card: { header: { title: string; subtitle: string }; sections: Array<{ widgets: Widget[] }> };
  }>;
}

const WEBHOOK_PATH = "/v1/spaces/AAAA1234/messages?key=AIzaKEY&token=tok%3D";

describe("googlechat channel", () => {
  const receiver = useReceiver();
  const settings = (origin: string) => ({ config: {}, secrets: { webhookUrl: `${origin}${WEBHOOK_PATH}` } });

  async function deliver(overrides: Parameters<typeof sampleMessage>[0] = {}) {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(200, JSON.stringify({ name: "spaces/AAAA1234/messages/x" }), {
      "content-type": "application/json",
    });
    const outcome = await googlechatChannel.send(sampleMessage(overrides), testContext(config, secrets));
    const [request] = await receiver().waitFor(1);
    const body = request!.json as GoogleChatBody;
    const card = body.cardsV2[0]!.card;
    const widgets = card.sections[0]!.widgets;
    return { outcome, request: request!, body, card, text: widgets[0]!.textParagraph!.text, widgets };
  }

  it("posts a cardsV2 message into the monitor's thread", async () => {
    const { outcome, request, body, card, text, widgets } = await deliver();
    expect(outcome).toEqual({ ok: true, statusCode: 200 });
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    const url = new URL(request.path, "http://x");
    expect(url.pathname).toBe("/v1/spaces/AAAA1234/messages");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      key: "AIzaKEY",
      token: "tok=",
      threadKey: "mon_01jdx0000000000000000000000",
      messageReplyOption: "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD",
    });
    expect(body.thread).toEqual({ threadKey: "mon_01jdx0000000000000000000000" });
    expect(body.fallbackText).toBe("🔴 DOWN: Checkout API");
    expect(body.cardsV2[0]?.cardId).toBe("upblit-ntf_01jdx0000000000000000000000");
    expect(card.header).toEqual({ title: "🔴 DOWN: Checkout API", subtitle: "Acme" });
    expect(text).toBe(
      [
        '<font color="#d92d20"><b>DOWN</b></font>',
        "Checkout API is down since 2026-11-22 10:00:00 UTC (was up).",
        "Cause: status is 503, expected one of [200]",
        "Monitor: http https://shop.example.com/health",
        "Organization: Acme",
      ].join("<br>"),
    );
    expect(widgets[1]?.buttonList?.buttons).toEqual([
      {
        text: "Open monitor",
        onClick: { openLink: { url: "https://upblit.example.com/monitors/mon_01jdx0000000000000000000000" } },
      },
      {
        text: "Acknowledge",
        onClick: {
          openLink: { url: "https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc" },
        },
      },
      { text: "Runbook", onClick: { openLink: { url: "https://wiki.example.com/runbooks/checkout" } } },
    ]);
  });

  it("sends the recovery of a monitor to the same thread as its alert", async () => {
    const down = await deliver();
    const { config, secrets } = settings(receiver().origin);
    const recovery = sampleMessage({
      notificationId: "ntf_up",
      event: "up",
      state: "up",
      previousState: "down",
      cause: null,
      acknowledgeUrl: null,
      incident: {
        id: "inc_1",
        startedAt: "2026-11-22T10:00:00.000Z",
        resolvedAt: null,
        durationMs: 90_061_000,
      },
    });
    expect(await googlechatChannel.send(recovery, testContext(config, secrets))).toMatchObject({ ok: true });
    const up = (await receiver().waitFor(2))[1]!;
    const upBody = up.json as GoogleChatBody;
    expect(new URL(up.path, "http://x").searchParams.get("threadKey")).toBe(
      new URL(down.request.path, "http://x").searchParams.get("threadKey"),
    );
    expect(upBody.thread).toEqual(down.body.thread);
    expect(upBody.fallbackText).toBe("🟢 UP: Checkout API");
    const text = upBody.cardsV2[0]!.card.sections[0]!.widgets[0]!.textParagraph!.text;
    expect(text).toContain('<font color="#1f9d55"><b>UP</b></font>');
    expect(text).toContain("It was down for 1 d 1 h.");
  });

  it("replaces a reply option already in the webhook URL", async () => {
    const origin = receiver().origin;
    const secrets = { webhookUrl: `${origin}${WEBHOOK_PATH}&messageReplyOption=REPLY_MESSAGE_OR_FAIL` };
    await googlechatChannel.send(sampleMessage(), testContext({}, secrets));
    const [request] = await receiver().waitFor(1);
    expect(new URL(request!.path, "http://x").searchParams.getAll("messageReplyOption")).toEqual([
      "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD",
    ]);
  });

  it("marks a drill", async () => {
    const { body, card, text } = await deliver({ drill: true });
    expect(body.fallbackText).toBe("[DRILL] 🔴 DOWN: Checkout API");
    expect(card.header.title).toBe("[DRILL] 🔴 DOWN: Checkout API");
    expect(text).toContain("This is a DRILL");
  });

  it("HTML-escapes user text in card text and breaks mentions in the fallback", async () => {
    const { body, text, widgets } = await deliver({
      monitor: { ...sampleMessage().monitor, name: HOSTILE_NAME },
      cause: '<users/all> <a href="https://evil.example">x</a> & more',
      organization: { id: "org_1", name: "<i>Org</i>" },
      runbookUrl: "javascript:alert(1)",
    });
    expect(text).toContain("&lt;b&gt;@everyone *x* &lt;!channel&gt; is down since");
    expect(text).toContain(
      "Cause: &lt;users/all&gt; &lt;a href=&quot;https://evil.example&quot;&gt;x&lt;/a&gt; &amp; more",
    );
    expect(text).toContain("Organization: &lt;i&gt;Org&lt;/i&gt;");
    expect(body.fallbackText).toBe("🔴 DOWN: <b>@\u200beveryone *x* <!channel>");
    expect(widgets[1]?.buttonList?.buttons.map((button) => button.text)).toEqual([
      "Open monitor",
      "Acknowledge",
    ]);
    expect(JSON.stringify(body)).not.toContain("javascript:");
  });

  it("reports Google's error status and message", async () => {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(
      400,
      JSON.stringify({
        error: { code: 400, message: "Invalid JSON payload received.", status: "INVALID_ARGUMENT" },
      }),
      { "content-type": "application/json" },
    );
    const outcome = await googlechatChannel.send(sampleMessage(), testContext(config, secrets));
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      statusCode: 400,
      error: "Google Chat 400: INVALID_ARGUMENT: Invalid JSON payload received.",
    });
  });

  outcomeMappingTests(googlechatChannel, settings, receiver);
});
