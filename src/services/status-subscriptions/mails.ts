import { escapeHtml } from "../../lib/html.ts";
import type { NoticeContent } from "../../storage/schema-status-subscriptions.ts";

/** A mail as subscribers get it: plain text and HTML with every page-written text escaped. */
export interface SubscriptionMail {
  subject: string;
  text: string;
  html: string;
}

/** Subjects go in a header: no line breaks, bounded length. */
function oneLine(text: string, max = 200): string {
  return text.replace(/[\r\n\t]+/g, " ").slice(0, max);
}

function htmlDocument(paragraphs: string[], link: { href: string; label: string }, footer: string): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p).replaceAll("\n", "<br>")}</p>`).join("\n");
  return `<!doctype html><html><body>${body}\n<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>\n<p style="color:#666;font-size:12px">${escapeHtml(footer)}</p></body></html>`;
}

/** The double opt-in mail: nothing is sent to the address until its owner follows the link. */
export function confirmationMail(pageTitle: string, confirmUrl: string): SubscriptionMail {
  const intro = `Someone (hopefully you) asked to get status updates of "${pageTitle}" by email.`;
  const action = "Confirm the subscription within 48 hours by opening this link:";
  const ignore = "If it was not you, ignore this mail: without confirmation nothing more is sent.";
  return {
    subject: oneLine(`Confirm your subscription to ${pageTitle}`),
    text: `${intro}\n\n${action}\n${confirmUrl}\n\n${ignore}\n`,
    html: htmlDocument([intro, action], { href: confirmUrl, label: "Confirm subscription" }, ignore),
  };
}

const EVENT_WORDS: Record<string, string> = {
  published: "New",
  updated: "Update",
  resolved: "Resolved",
};

/** A notice of an incident or maintenance change, with the way out at the bottom. */
export function noticeMail(
  event: string,
  content: NoticeContent,
  links: { page: string; unsubscribe: string },
): SubscriptionMail {
  const label = content.kind === "maintenance" ? "maintenance" : "incident";
  const subject = oneLine(
    `[${content.pageTitle}] ${EVENT_WORDS[event] ?? "Update"} ${label}: ${content.title}`,
  );
  const head = `${content.title} — ${content.status.replaceAll("_", " ")}`;
  const footer = `You get this because you subscribed to ${content.pageTitle}. Unsubscribe: ${links.unsubscribe}`;
  return {
    subject,
    text: `${head}\n\n${content.body}\n\nStatus page: ${links.page}\n\n${footer}\n`,
    html: htmlDocument(
      [head, content.body],
      { href: links.page, label: "View the status page" },
      `You get this because you subscribed to ${content.pageTitle}.`,
    ).replace("</body>", `<p><a href="${escapeHtml(links.unsubscribe)}">Unsubscribe</a></p></body>`),
  };
}
