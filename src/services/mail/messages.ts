import type { Runtime } from "../context.ts";
import type { RenderedMail } from "./templates.ts";

/** Pages of the web app that single-use links open (each a deep link, src/domain/deep-links.ts). */
export const LINK_PAGES = ["invite", "reset-password", "confirm-email"] as const;
export type LinkPage = (typeof LINK_PAGES)[number];

/**
 * A single-use link: the public URL, the page, and the token in the fragment. Browsers send
 * neither the fragment to the server nor in `Referer`, so the token stays out of access logs;
 * the page reads it and POSTs it to the API.
 */
export function tokenLink(rt: Runtime, page: LinkPage, token: string): string {
  return `${rt.auth.publicUrl}/${page}#token=${token}`;
}

/** A page of the web app without a token (the notice mail links to the reset form). */
export function pageLink(rt: Runtime, page: LinkPage): string {
  return `${rt.auth.publicUrl}/${page}`;
}

export type Delivery = "sent" | "failed";

/**
 * Sends one of Upblit's own mails. A failure is logged and reported as `failed` rather than
 * thrown: the change that asked for the mail is already committed and the caller decides.
 */
export async function deliver(rt: Runtime, to: string, mail: RenderedMail, kind: string): Promise<Delivery> {
  try {
    await rt.mailer.send({
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      // RFC 3834: an automatic message; auto-responders should not answer it.
      headers: { "Auto-Submitted": "auto-generated" },
    });
    return "sent";
  } catch (err) {
    rt.log.error({ category: "mail", err, kind }, "mail could not be sent");
    return "failed";
  }
}
