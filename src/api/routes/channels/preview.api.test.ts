import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { API, call, expectProblem, expectValidation } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { type Receiver, startReceiver } from "../../../test/receiver.ts";
import { type SmtpFixture, startSmtp } from "../../../test/smtp.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/**
 * Previews run the real adapters with a recording client: they must show exactly what a real send
 * delivers, with secrets as `•••`, and send nothing.
 */
const PUBLIC_URL = "https://upblit.test";
const BOT_TOKEN = "123456789:AAEsecretsecretsecretsecret_token";
const ROUTING_KEY = "R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY12";

interface PreviewJson {
  requests: Array<{
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string;
    html?: string;
  }>;
  error: string | null;
}

describe.each(DB_KINDS)("channel previews on %s", (kind) => {
  const clock = new ManualClock(Date.UTC(2031, 4, 1, 8, 30));
  let up: TestUpblit;
  let receiver: Receiver;
  let smtp: SmtpFixture;

  beforeAll(async () => {
    smtp = await startSmtp();
    receiver = await startReceiver();
    up = await startTestUpblit(
      kind,
      { UPBLIT_ROLES: "api", PUBLIC_URL, SMTP_URL: smtp.url, SMTP_FROM: "Upblit <upblit@upblit.test>" },
      { clock },
    );
  });
  afterAll(async () => {
    await up?.close();
    await receiver?.close();
    await smtp?.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
  });

  const createChannel = async (body: Record<string, unknown>) => {
    const res = await call(up, "POST", `${API}/channels`, { name: "previewed", ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  };
  const preview = async (url: string, body: Record<string, unknown>): Promise<PreviewJson> => {
    const res = await call(up, "POST", url, body);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PreviewJson>();
  };

  it("shows the same Slack body the receiver gets from a real send, sending nothing itself", async () => {
    const id = await createChannel({
      kind: "slack",
      secrets: { webhookUrl: `${receiver.origin}/services/T1/B1/xoxsecret` },
      template: { title: "{{monitor}}", text: "*{{monitor}}* is {{state}}{{#drill}} (a drill){{/drill}}" },
    });
    const shown = await preview(`${API}/channels/${id}/preview`, { event: "test" });
    expect(receiver.requests).toHaveLength(0);
    expect(shown.error).toBeNull();
    expect(shown.requests).toHaveLength(1);
    const [request] = shown.requests;
    expect(request).toMatchObject({
      method: "POST",
      url: `${receiver.origin}/•••`,
      headers: { "content-type": "application/json" },
    });

    const sent = await call(up, "POST", `${API}/channels/${id}/test`);
    expect(sent.json()).toMatchObject({ ok: true, statusCode: 200 });
    const [received] = await receiver.waitFor(1);
    expect(request!.body).toBe(received!.body);
    expect(JSON.parse(request!.body).blocks[1].text.text).toBe(
      "*Test of channel previewed* is down (a drill)\n\nThis is a test-send from Upblit: nothing is wrong.",
    );
  });

  it("shows the same mail the SMTP server gets from a real send", async () => {
    const to = "preview-oncall@example.com";
    const id = await createChannel({
      kind: "email",
      config: { to: [to] },
      template: { title: "{{monitor}} is {{state}}", text: "Hi,\n<i>{{monitor}}</i> is {{state}}." },
    });
    const shown = await preview(`${API}/channels/${id}/preview`, { event: "test" });
    expect(smtp.mailsTo(to)).toHaveLength(0);
    const [mail] = shown.requests;
    expect(mail).toMatchObject({
      method: "SMTP",
      url: `mailto:${to}`,
      headers: {
        subject: "[TEST] Test of channel previewed is down",
        "auto-submitted": "auto-generated",
        "x-upblit-event": "test",
      },
    });
    expect(mail!.headers["message-id"]).toMatch(/^<ntf_[0-9a-z]+@upblit>$/);

    expect((await call(up, "POST", `${API}/channels/${id}/test`)).json()).toMatchObject({ ok: true });
    const received = await smtp.waitForMail(to);
    expect(received.subject).toBe(mail!.headers.subject);
    // The line break before a MIME boundary belongs to the boundary (RFC 2046), not to the part.
    expect(received.text.replace(/\r\n/g, "\n").replace(/\n$/, "")).toBe(mail!.body);
    expect(received.html.replace(/\r\n/g, "\n").replace(/\n$/, "")).toBe(mail!.html);
    expect(mail!.html).toContain("<i>Test of channel previewed</i> is down.");
  });

  it("tries a template before saving it, or the default wording with null", async () => {
    const id = await createChannel({
      kind: "ntfy",
      config: { serverUrl: receiver.origin, topic: "preview-topic" },
      template: { title: "saved {{monitor}}" },
    });
    const saved = await preview(`${API}/channels/${id}/preview`, { event: "down" });
    expect(JSON.parse(saved.requests[0]!.body).title).toBe("saved Checkout API");
    const tried = await preview(`${API}/channels/${id}/preview`, {
      event: "up",
      template: { title: "{{monitor}} back after {{duration}}" },
    });
    expect(JSON.parse(tried.requests[0]!.body).title).toBe("Checkout API back after 12 min");
    const plain = await preview(`${API}/channels/${id}/preview`, {
      event: "down",
      drill: true,
      template: null,
    });
    expect(JSON.parse(plain.requests[0]!.body)).toMatchObject({
      topic: "preview-topic",
      title: "[DRILL] 🔴 DOWN: Checkout API",
      tags: ["rotating_light", "drill"],
    });
    expect(plain.requests[0]!.url).toBe(`${receiver.origin}/`);
    expect(receiver.requests).toHaveLength(0);
    // The channel keeps its saved template.
    const channel = await call(up, "GET", `${API}/channels/${id}`);
    expect(channel.json<{ template: unknown }>().template).toEqual({ title: "saved {{monitor}}" });
  });

  it("previews the follow-up events too: reminder, escalation, acknowledgement, certificate", async () => {
    const id = await createChannel({ kind: "ntfy", config: { serverUrl: receiver.origin, topic: "follow" } });
    const titleOf = async (event: string) =>
      JSON.parse((await preview(`${API}/channels/${id}/preview`, { event })).requests[0]!.body).title;
    expect(await titleOf("reminder")).toBe("🔁 STILL DOWN: Checkout API");
    expect(await titleOf("escalation")).toMatch(/ESCALATED/);
    expect(await titleOf("acknowledged")).toBe("✋ ACKNOWLEDGED: Checkout API");
    expect(await titleOf("certificate")).toBe("📜 CERTIFICATE EXPIRING: Checkout API");
    expect(receiver.requests).toHaveLength(0);
  });

  it("replaces secrets in URLs, headers and bodies with •••", async () => {
    const telegram = await preview(`${API}/channels/preview`, {
      kind: "telegram",
      config: { chatId: "-1001234567890" },
      secrets: { botToken: BOT_TOKEN },
      event: "down",
    });
    expect(telegram.requests[0]!.url).toBe("https://api.telegram.org/bot•••/sendMessage");
    expect(JSON.parse(telegram.requests[0]!.body).text).toContain("<b>🔴 DOWN: Checkout API</b>");

    const pagerduty = await preview(`${API}/channels/preview`, {
      kind: "pagerduty",
      secrets: { routingKey: ROUTING_KEY },
      event: "down",
      template: { title: "{{monitor}} on fire" },
    });
    expect(JSON.parse(pagerduty.requests[0]!.body)).toMatchObject({
      routing_key: "•••",
      event_action: "trigger",
      payload: { summary: "Checkout API on fire" },
    });

    const googleChat = await preview(`${API}/channels/preview`, {
      kind: "googlechat",
      secrets: { webhookUrl: "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=KEYKEY&token=TOKTOK" },
      event: "down",
    });
    const chatUrl = googleChat.requests[0]!.url;
    expect(chatUrl).toMatch(/^https:\/\/chat\.googleapis\.com\//);
    for (const secret of ["AAAA", "KEYKEY", "TOKTOK"]) expect(chatUrl).not.toContain(secret);

    const gotify = await preview(`${API}/channels/preview`, {
      kind: "gotify",
      config: { serverUrl: "https://push.example.com" },
      secrets: { appToken: "gotify-app-token-secret" },
      event: "up",
    });
    expect(gotify.requests[0]!.headers["x-gotify-key"]).toBe("•••");
    for (const shown of [telegram, pagerduty, googleChat, gotify]) {
      const text = JSON.stringify(shown);
      for (const secret of [BOT_TOKEN, ROUTING_KEY, "gotify-app-token-secret", "KEYKEY", "TOKTOK"])
        expect(text).not.toContain(secret);
    }
  });

  it("previews an unsaved channel without its secrets, with placeholders", async () => {
    const slack = await preview(`${API}/channels/preview`, {
      kind: "slack",
      event: "degraded",
      template: { text: "{{monitor}} is {{state}} since {{since}}" },
    });
    expect(slack.requests[0]!.url).toBe("https://hooks.slack.com/•••");
    expect(JSON.parse(slack.requests[0]!.body).blocks[1].text.text).toBe(
      "Checkout API is degraded since 2031-05-01 08:30:00 UTC",
    );
  });

  it("says why nothing would be sent, and refuses bad settings and templates like a save", async () => {
    const dkim = await preview(`${API}/channels/preview`, {
      kind: "email",
      config: { to: ["a@example.com"], dkim: { domainName: "example.com", keySelector: "s1" } },
      event: "down",
    });
    expect(dkim).toEqual({
      requests: [],
      error: "DKIM is configured but the dkimPrivateKey secret is missing",
    });

    expectValidation(
      await call(up, "POST", `${API}/channels/preview`, {
        kind: "webhook",
        config: { url: "ftp://x" },
        event: "down",
      }),
      ["body.config.url"],
    );
    expectValidation(await call(up, "POST", `${API}/channels/preview`, { kind: "pigeon", event: "down" }), [
      "body.kind",
    ]);
    expectValidation(await call(up, "POST", `${API}/channels/preview`, { kind: "slack", event: "explode" }), [
      "body.event",
    ]);
    const bad = await call(up, "POST", `${API}/channels/preview`, {
      kind: "slack",
      event: "down",
      template: { text: "{{#cause}}" },
    });
    expect(expectProblem(bad, 422, "PRECONDITION_FAILED").errors).toEqual([
      {
        path: "body.template.text",
        message: "{{#cause}} is never closed with {{/cause}} at line 1, column 1",
      },
    ]);
    expectProblem(
      await call(up, "POST", `${API}/channels/chn_00000000000000000000000000/preview`, { event: "down" }),
      404,
      "NOT_FOUND",
    );
  });
});
