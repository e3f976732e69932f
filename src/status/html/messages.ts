import { DEFAULT_COLORS } from "../../services/status-pages/colors.ts";
import { html, type Markup } from "../escape.ts";
import { renderDocument } from "./document.ts";
import { pageStyles } from "./styles.ts";

/** The message pages' style sheet: the default colours, built once. */
const DEFAULT_STYLES = pageStyles(DEFAULT_COLORS);

/**
 * The pages a visitor sees instead of a status page: the password form, "not found" and errors. They show nothing of the page (not even its title), use the default colours,
 * carry no script, and ask robots to stay away.
 */
export function messageDocument(title: string, body: Markup, nonce: string): string {
  return renderDocument({
    title,
    styles: DEFAULT_STYLES,
    noindex: true,
    nonce,
    body: html`<div class="wrap"><main id="main">
<h1>${title}</h1>
${body}
</main></div>`,
  });
}

/** The form of a password-protected page; `error` after a wrong password. */
export function passwordFormPage(slug: string, nonce: string, error?: string): string {
  return messageDocument(
    "This status page is protected",
    html`<p>Enter the page's password to see it.</p>
${error ? html`<p class="error" role="alert" id="password-error">${error}</p>` : ""}
<form method="post" action="/status/${slug}/login">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256"${error ? html` aria-describedby="password-error"` : ""}>
<button type="submit">Open the page</button>
</form>`,
    nonce,
  );
}

/** A page that does not exist (or is gone), and a members-only page to anyone but its members. */
export function notFoundPage(nonce: string): string {
  return messageDocument("Page not found", html`<p>There is no status page at this address.</p>`, nonce);
}

/** Any other refusal or failure, with its words. */
export function messagePage(title: string, text: string, nonce: string): string {
  return messageDocument(title, html`<p>${text}</p>`, nonce);
}
