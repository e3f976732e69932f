import { html } from "../escape.ts";
import { messageDocument } from "./messages.ts";

/** After a subscribe request, whatever happened (no oracle on who is subscribed). */
export function checkYourMailPage(nonce: string): string {
  return messageDocument(
    "Check your email",
    html`<p>If this address is not subscribed yet, a confirmation link is on its way. Open it within 48 hours to start getting updates.</p>`,
    nonce,
  );
}

/**
 * The page a confirmation link opens: a button that POSTs the token. Opening the link alone
 * confirms nothing, so mail scanners that prefetch links cannot subscribe anyone.
 */
export function confirmButtonPage(slug: string, token: string, nonce: string): string {
  return messageDocument(
    "Confirm your subscription",
    html`<p>Press the button to start getting this page's updates by email.</p>
<form method="post" action="/status/${slug}/subscriptions/confirm">
<input type="hidden" name="token" value="${token}">
<button type="submit">Confirm subscription</button>
</form>`,
    nonce,
  );
}

/** The page an unsubscribe link opens: a button that POSTs (the one-click path needs none). */
export function unsubscribeButtonPage(slug: string, token: string, nonce: string): string {
  return messageDocument(
    "Unsubscribe",
    html`<p>Press the button to stop getting this page's updates by email.</p>
<form method="post" action="/status/${slug}/unsubscribe?token=${token}">
<button type="submit">Unsubscribe</button>
</form>`,
    nonce,
  );
}

/** A confirmation or unsubscribe link that is unknown, used, expired or tampered with. */
export function badLinkPage(nonce: string): string {
  return messageDocument(
    "This link does not work",
    html`<p>It may have expired (confirmation links last 48 hours), been used already, or been cut short. Subscribe again from the status page.</p>`,
    nonce,
  );
}

/** Plain outcomes: subscribed, unsubscribed. */
export function donePage(title: string, text: string, nonce: string): string {
  return messageDocument(title, html`<p>${text}</p>`, nonce);
}
