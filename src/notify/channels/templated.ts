/**
 * The seam between a channel's custom template (src/notify/template.ts) and the adapters: the
 * placeholder values of a message, one escaper per dialect for those values, and the rendered
 * title and text an adapter puts where it would put the default wording (wording.ts). The
 * template's own text is the owner's and is kept; every value is escaped for the dialect, with
 * mentions broken in chat dialects. Drills and test-sends stay marked whatever the template says.
 */

import { escapeHtml } from "../../lib/html.ts";
import { type MessageTemplate, renderTemplate, type TemplateName, type TemplateValues } from "../template.ts";
import {
  clip,
  clipMarkdown,
  escapeChatMarkdown,
  escapeMarkdown,
  escapeSlack,
  noMentions,
  oneLine,
  safeLink,
} from "./format.ts";
import type { AlertMessage } from "./types.ts";
import { drillNotice, durationText, titleOf, whenText } from "./wording.ts";

/**
 * How a channel reads text: `plain` (ntfy, PagerDuty, Opsgenie, Teams text runs, mail subjects and
 * text parts), `plain-chat` (plain, read by a chat that has mentions: Matrix `body`, Google Chat's
 * notification text), `html` (mail HTML, Pushover), `html-chat` (Telegram, Matrix, Google Chat),
 * `mrkdwn` (Slack), `markdown` (Gotify) and `markdown-chat` (Discord, Mattermost).
 */
export type Dialect = "plain" | "plain-chat" | "html" | "html-chat" | "mrkdwn" | "markdown" | "markdown-chat";

/** Names whose value is a link: never clipped, percent-encoded rather than markup-escaped. */
const LINK_NAMES = new Set<TemplateName>(["monitor_url", "runbook_url", "acknowledge_url"]);

/** Plain values per dialect; each also flattens line breaks so a value cannot start a block of its own. */
const ESCAPE_TEXT: Record<Dialect, (value: string) => string> = {
  plain: oneLine,
  "plain-chat": (v) => noMentions(oneLine(v)),
  html: (v) => escapeHtml(oneLine(v)),
  "html-chat": (v) => noMentions(escapeHtml(oneLine(v))),
  mrkdwn: escapeSlack,
  markdown: escapeMarkdown,
  "markdown-chat": escapeChatMarkdown,
};

/** In chats an `@` in a link is percent-encoded too, so no part of a URL can read as a mention. */
const chatLink = (url: string) => url.replace(/@/g, "%40");

/** Links (already http(s) and percent-encoded by safeLink) per dialect. */
const ESCAPE_LINK: Record<Dialect, (url: string) => string> = {
  plain: (u) => u,
  "plain-chat": chatLink,
  html: escapeHtml,
  "html-chat": (u) => escapeHtml(chatLink(u)),
  mrkdwn: (u) => chatLink(u).replace(/&/g, "&amp;"),
  markdown: (u) => u,
  "markdown-chat": chatLink,
};

/** The escaper a template's values go through for this dialect. */
export function valueEscaper(dialect: Dialect): (value: string, name: TemplateName) => string {
  return (value, name) => (LINK_NAMES.has(name) ? ESCAPE_LINK[dialect] : ESCAPE_TEXT[dialect])(value);
}

const link = (url: string | null) => (url ? (safeLink(url) ?? undefined) : undefined);

/** The placeholder values of a message, unescaped; absent when the message has no such fact. */
export function templateValues(message: AlertMessage): TemplateValues {
  const duration = message.incident?.durationMs;
  return {
    event: message.event,
    // The drill mark is added to every custom title anyway (customTitle), so not twice here.
    title: titleOf({ ...message, drill: false }),
    monitor: message.monitor.name,
    monitor_id: message.monitor.id,
    monitor_type: message.monitor.type,
    target: message.monitor.target,
    state: message.state,
    previous_state: message.previousState,
    since: whenText(message.since),
    cause: message.cause ?? undefined,
    duration: duration == null ? undefined : durationText(duration),
    organization: message.organization.name,
    monitor_url: link(message.monitorUrl),
    incident_url: link(message.incidentUrl ?? null),
    runbook_url: link(message.runbookUrl),
    acknowledge_url: link(message.acknowledgeUrl),
    incident_id: message.incident?.id,
    notification_id: message.notificationId,
    drill: message.drill ? "DRILL" : undefined,
    ...followUpValues(message),
  };
}

/** The values of reminders, escalations, acknowledgements and certificate warnings; absent elsewhere. */
function followUpValues(message: AlertMessage): TemplateValues {
  const { reminder, escalation, acknowledgement: ack, certificate } = message;
  return {
    reminder_count: reminder && String(reminder.count),
    down_for: reminder && durationText(reminder.downForMs),
    escalation_level: escalation && String(escalation.level),
    escalation_after: escalation && `${escalation.afterMinutes} min`,
    acknowledged_by: ack?.by,
    acknowledged_at: ack && whenText(ack.at),
    acknowledge_note: ack?.note ?? undefined,
    // "0" (expires today) is a value, so `{{#certificate_days_left}}` still shows.
    certificate_days_left: certificate && String(certificate.daysLeft),
    certificate_expires: certificate && whenText(certificate.notAfter),
    certificate_subject: certificate?.subject,
    certificate_threshold: certificate && String(certificate.threshold),
  };
}

/** The mark every custom title of a drill or test-send starts with. */
function markOf(message: AlertMessage): string {
  if (!message.drill) return "";
  return message.event === "test" ? "[TEST] " : "[DRILL] ";
}

/**
 * The template's title for this message in the dialect, `[DRILL] `/`[TEST] ` first when it is
 * one, within `max` characters; undefined when the template has no title (use the default).
 */
export function customTitle(
  message: AlertMessage,
  template: MessageTemplate | undefined,
  dialect: Dialect,
  max: number,
): string | undefined {
  if (!template?.title) return undefined;
  const nodes = template.title;
  const mark = ESCAPE_TEXT[dialect](markOf(message).trim());
  return renderWithin(
    dialect,
    max,
    (values) => {
      const title = renderTemplate(nodes, values, valueEscaper(dialect));
      return mark ? `${mark} ${title}` : title;
    },
    templateValues(message),
  );
}

/**
 * The template's text for this message in the dialect, the drill notice last when it is a drill
 * or test-send, line breaks as `newline` (`<br>` where HTML ignores them), within `max`
 * characters; undefined when the template has no text (use the default).
 */
export function customText(
  message: AlertMessage,
  template: MessageTemplate | undefined,
  dialect: Dialect,
  max: number,
  newline = "\n",
): string | undefined {
  if (!template?.text) return undefined;
  const nodes = template.text;
  const notice = message.drill ? `\n\n${ESCAPE_TEXT[dialect](drillNotice(message))}` : "";
  return renderWithin(
    dialect,
    max,
    (values) => {
      const text = renderTemplate(nodes, values, valueEscaper(dialect)) + notice;
      return newline === "\n" ? text : text.replace(/\r?\n/g, newline);
    },
    templateValues(message),
  );
}

/**
 * Renders with every non-link value clipped, halving the clip until the whole fits in `max`
 * (escaping can grow a value, and the literal text is the owner's), cutting the output itself
 * only as a last resort, without leaving half an escape behind.
 */
function renderWithin(
  dialect: Dialect,
  max: number,
  render: (values: TemplateValues) => string,
  values: TemplateValues,
): string {
  for (let limit = 1_000; ; limit = Math.floor(limit / 2)) {
    const out = render(clipValues(values, Math.max(limit, 1)));
    if (out.length <= max) return out;
    if (limit <= 1) return cutMarkup(out, dialect, max);
  }
}

function clipValues(values: TemplateValues, limit: number): TemplateValues {
  const clipped: TemplateValues = {};
  for (const [name, value] of Object.entries(values) as Array<[TemplateName, string | undefined]>) {
    if (value !== undefined) clipped[name] = LINK_NAMES.has(name) ? value : clip(value, limit);
  }
  return clipped;
}

/** Cuts rendered text to `max`, dropping a markdown escape, an HTML tag or an entity it would split. */
function cutMarkup(text: string, dialect: Dialect, max: number): string {
  if (dialect === "markdown" || dialect === "markdown-chat") return clipMarkdown(text, max);
  const cut = clip(text, max);
  if (dialect.startsWith("html") || dialect === "mrkdwn") return cut.replace(/(<[^>]*|&[#\w]*)…$/, "…");
  return cut;
}
