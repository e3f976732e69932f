import { describe, expect, it } from "vitest";
import { sampleMessage } from "../../test/alerts.ts";
import { HOSTILE_NAME } from "../../test/chat-channels.ts";
import { parseMessageTemplate } from "../template.ts";
import { customText, customTitle, type Dialect, templateValues, valueEscaper } from "./templated.ts";

const ZWSP = "\u200b";
const hostile = sampleMessage({ monitor: { ...sampleMessage().monitor, name: HOSTILE_NAME } });
const text = (source: string, dialect: Dialect, message = sampleMessage(), max = 10_000, newline?: string) =>
  customText(message, parseMessageTemplate({ text: source }), dialect, max, newline);

describe("template values of a message", () => {
  it("fills every name from the message, in words where the default wording uses words", () => {
    const message = sampleMessage({
      event: "up",
      state: "up",
      previousState: "down",
      incident: { id: "inc_1", startedAt: "x", resolvedAt: "y", durationMs: 750_000 },
    });
    expect(templateValues(message)).toEqual({
      event: "up",
      title: "🟢 UP: Checkout API",
      monitor: "Checkout API",
      monitor_id: message.monitor.id,
      monitor_type: "http",
      target: "https://shop.example.com/health",
      state: "up",
      previous_state: "down",
      since: "2026-11-22 10:00:00 UTC",
      cause: "status is 503, expected one of [200]",
      duration: "12 min 30 s",
      organization: "Acme",
      monitor_url: message.monitorUrl,
      runbook_url: message.runbookUrl,
      acknowledge_url: message.acknowledgeUrl,
      incident_id: "inc_1",
      notification_id: message.notificationId,
      drill: undefined,
    });
  });

  it("leaves out what the message does not have, and links that are not http(s)", () => {
    const values = templateValues(
      sampleMessage({ cause: null, incident: null, runbookUrl: "javascript:alert(1)", acknowledgeUrl: null }),
    );
    for (const name of [
      "cause",
      "duration",
      "incident_id",
      "runbook_url",
      "acknowledge_url",
      "drill",
    ] as const)
      expect(values[name], name).toBeUndefined();
  });

  it("fills the follow-up names on their own events, in words", () => {
    const reminder = templateValues(
      sampleMessage({ event: "reminder", reminder: { count: 4, downForMs: 2_700_000 } }),
    );
    expect(reminder).toMatchObject({
      reminder_count: "4",
      down_for: "45 min",
      title: "🔁 STILL DOWN: Checkout API",
    });
    const escalated = templateValues(sampleMessage({ escalation: { level: 2, afterMinutes: 30 } }));
    expect(escalated).toMatchObject({ escalation_level: "2", escalation_after: "30 min" });
    const ack = { by: "ada@example.com", at: "2026-11-22T10:05:00.000Z", note: "rolling back" };
    expect(templateValues(sampleMessage({ event: "acknowledged", acknowledgement: ack }))).toMatchObject({
      acknowledged_by: "ada@example.com",
      acknowledged_at: "2026-11-22 10:05:00 UTC",
      acknowledge_note: "rolling back",
    });
    const certificate = {
      daysLeft: 0,
      notAfter: "2026-11-22T23:59:59.000Z",
      subject: "shop.example.com",
      threshold: 7,
    };
    expect(templateValues(sampleMessage({ event: "certificate", certificate }))).toMatchObject({
      certificate_days_left: "0",
      certificate_expires: "2026-11-22 23:59:59 UTC",
      certificate_subject: "shop.example.com",
      certificate_threshold: "7",
    });
  });

  it("leaves the follow-up names absent on other events, and a note-less acknowledgement's note", () => {
    const followUps = [
      "reminder_count",
      "down_for",
      "escalation_level",
      "escalation_after",
      "acknowledged_by",
      "acknowledged_at",
      "acknowledge_note",
      "certificate_days_left",
      "certificate_expires",
      "certificate_subject",
      "certificate_threshold",
    ] as const;
    const values = templateValues(sampleMessage());
    for (const name of followUps) expect(values[name], name).toBeUndefined();
    const ack = { by: "link from channel ops", at: "2026-11-22T10:05:00.000Z", note: null };
    const acked = templateValues(sampleMessage({ event: "acknowledged", acknowledgement: ack }));
    expect(acked.acknowledged_by).toBe("link from channel ops");
    expect(acked.acknowledge_note).toBeUndefined();
    const noSubject = { daysLeft: 3, notAfter: "2026-11-25T00:00:00.000Z", threshold: 7 };
    expect(
      templateValues(sampleMessage({ event: "certificate", certificate: noSubject })).certificate_subject,
    ).toBeUndefined();
  });

  it("renders follow-up sections only where they apply, with values escaped for the dialect", () => {
    const source =
      "{{monitor}}{{#escalation_level}} escalated to level {{escalation_level}}{{/escalation_level}}" +
      "{{#acknowledged_by}} acked by {{acknowledged_by}}{{#acknowledge_note}}: {{acknowledge_note}}{{/acknowledge_note}}{{/acknowledged_by}}" +
      "{{#certificate_days_left}} cert in {{certificate_days_left}} d{{/certificate_days_left}}";
    expect(text(source, "plain")).toBe("Checkout API");
    expect(text(source, "plain", sampleMessage({ escalation: { level: 3, afterMinutes: 60 } }))).toBe(
      "Checkout API escalated to level 3",
    );
    const ack = { by: "<b>@here</b>", at: "2026-11-22T10:05:00.000Z", note: "*fix* <!channel>" };
    expect(text(source, "mrkdwn", sampleMessage({ event: "acknowledged", acknowledgement: ack }))).toBe(
      `Checkout API acked by &lt;b&gt;@${ZWSP}here&lt;/b&gt;: *fix* &lt;!channel&gt;`,
    );
    const certificate = { daysLeft: 0, notAfter: "2026-11-22T23:59:59.000Z", threshold: 7 };
    expect(text(source, "plain", sampleMessage({ event: "certificate", certificate }))).toBe(
      "Checkout API cert in 0 d",
    );
  });

  it("says DRILL for drills and test-sends, and keeps the title free of the drill mark", () => {
    const values = templateValues(sampleMessage({ drill: true }));
    expect(values.drill).toBe("DRILL");
    expect(values.title).toBe("🔴 DOWN: Checkout API");
  });
});

describe("values escaped per dialect (a monitor name with markup and mentions)", () => {
  const source = "*{{monitor}}* <!here>";

  it("Slack mrkdwn: entities for & < >, so no <!channel> or link forms; @ words broken", () => {
    expect(text(source, "mrkdwn", hostile)).toBe(`*&lt;b&gt;@${ZWSP}everyone *x* &lt;!channel&gt;* <!here>`);
  });

  it("chat markdown (Discord, Mattermost): punctuation backslash-escaped, @ broken", () => {
    expect(text(source, "markdown-chat", hostile)).toBe(
      `*\\<b\\>\\@${ZWSP}everyone \\*x\\* \\<\\!channel\\>* <!here>`,
    );
  });

  it("markdown (Gotify): punctuation escaped, no mentions to break", () => {
    expect(text(source, "markdown", hostile)).toBe("*\\<b\\>\\@everyone \\*x\\* \\<\\!channel\\>* <!here>");
  });

  it("HTML (mail, Pushover) and chat HTML (Telegram, Matrix, Google Chat)", () => {
    expect(text(source, "html", hostile)).toBe("*&lt;b&gt;@everyone *x* &lt;!channel&gt;* <!here>");
    expect(text(source, "html-chat", hostile)).toBe(
      `*&lt;b&gt;@${ZWSP}everyone *x* &lt;!channel&gt;* <!here>`,
    );
  });

  it("plain (ntfy, PagerDuty, Opsgenie, Teams, mail text) as is, in chats with @ broken", () => {
    expect(text(source, "plain", hostile)).toBe(`*${HOSTILE_NAME}* <!here>`);
    expect(text(source, "plain-chat", hostile)).toBe(`*<b>@${ZWSP}everyone *x* <!channel>* <!here>`);
  });

  it("flattens line breaks in values so a value cannot start a block, in every dialect", () => {
    const multiline = sampleMessage({ cause: "first\n# heading\n> quote" });
    for (const dialect of ["plain", "html", "mrkdwn", "markdown", "markdown-chat"] as const)
      expect(text("{{cause}}", dialect, multiline), dialect).not.toMatch(/\n/);
  });

  it("percent-encodes links instead of escaping them, with @ encoded in chats", () => {
    const message = sampleMessage({ runbookUrl: "https://wiki.example.com/@ops/a_b?x=1&y=(2)" });
    const linkIn = (dialect: Dialect) =>
      valueEscaper(dialect)(templateValues(message).runbook_url!, "runbook_url");
    expect(linkIn("plain")).toBe("https://wiki.example.com/@ops/a_b?x=1&y=%282%29");
    expect(linkIn("markdown")).toBe("https://wiki.example.com/@ops/a_b?x=1&y=%282%29");
    expect(linkIn("markdown-chat")).toBe("https://wiki.example.com/%40ops/a_b?x=1&y=%282%29");
    expect(linkIn("mrkdwn")).toBe("https://wiki.example.com/%40ops/a_b?x=1&amp;y=%282%29");
    expect(linkIn("html")).toBe("https://wiki.example.com/@ops/a_b?x=1&amp;y=%282%29");
    expect(text("[Runbook]({{runbook_url}})", "markdown-chat", message)).toBe(
      "[Runbook](https://wiki.example.com/%40ops/a_b?x=1&y=%282%29)",
    );
  });
});

describe("custom title and text", () => {
  it("are undefined for a part the template leaves out (the adapter uses its default)", () => {
    const template = parseMessageTemplate({ title: "{{monitor}}" });
    expect(customText(sampleMessage(), template, "plain", 100)).toBeUndefined();
    expect(customTitle(sampleMessage(), parseMessageTemplate({ text: "x" }), "plain", 100)).toBeUndefined();
    expect(customTitle(sampleMessage(), undefined, "plain", 100)).toBeUndefined();
  });

  it("mark every drill and test-send, whatever the template says", () => {
    const template = parseMessageTemplate({ title: "{{monitor}} {{state}}", text: "{{monitor}}" });
    expect(customTitle(sampleMessage({ drill: true }), template, "plain", 100)).toBe(
      "[DRILL] Checkout API down",
    );
    expect(customTitle(sampleMessage({ drill: true, event: "test" }), template, "plain", 100)).toBe(
      "[TEST] Checkout API down",
    );
    expect(customTitle(sampleMessage({ drill: true }), template, "markdown-chat", 100)).toBe(
      "\\[DRILL\\] Checkout API down",
    );
    expect(customText(sampleMessage({ drill: true }), template, "plain", 1000)).toBe(
      "Checkout API\n\nThis is a DRILL: a simulated alert, nothing is actually down.",
    );
    expect(customTitle(sampleMessage(), template, "plain", 100)).toBe("Checkout API down");
  });

  it("turn line breaks into the dialect's own where HTML ignores them", () => {
    expect(text("a\nb", "html-chat", sampleMessage(), 100, "<br>")).toBe("a<br>b");
  });

  it("fit the limit by clipping values first, keeping the owner's text whole", () => {
    const long = sampleMessage({ cause: "x".repeat(5_000) });
    const out = text("Cause: {{cause}} (end)", "plain", long, 200)!;
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out).toMatch(/^Cause: x+… \(end\)$/);
  });

  it("cut the output itself only as a last resort, never leaving half an escape", () => {
    const html = text(`${"<b>a</b>".repeat(50)}`, "html", sampleMessage(), 103)!;
    expect(html.length).toBeLessThanOrEqual(103);
    expect(html).toMatch(/(<\/b>|a)…$/);
    const markdown = text("{{monitor}}".repeat(200), "markdown", hostile, 99)!;
    expect(markdown.length).toBeLessThanOrEqual(99);
    expect(markdown.slice(0, -1)).not.toMatch(/(^|[^\\])(\\\\)*\\$/);
  });
});
