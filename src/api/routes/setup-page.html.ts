import { createHash } from "node:crypto";
import { PASSWORD_MAX, PASSWORD_MIN } from "../../services/auth/passwords.ts";

/** The form's fields, as typed; the password is never echoed back. */
export interface SetupFormValues {
  token: string;
  email: string;
  name: string;
  organizationName: string;
}

/** Problems to show: per field (`email`, `password`, …) and for the whole form. */
export interface SetupFormErrors {
  fields: Partial<Record<"email" | "name" | "password" | "organizationName", string[]>>;
  general: string[];
}

/** Everything the pages show passes through here: no typed value can become markup. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2433}
main{max-width:28rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin-top:1rem;font-weight:600}
input{box-sizing:border-box;width:100%;padding:.5rem;margin-top:.25rem;font:inherit;border:1px solid #9aa3b2;border-radius:4px}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit;font-weight:600;color:#fff;background:#2458d6;border:0;border-radius:4px}
.hint{font-size:.875rem;color:#4b5565;margin:.25rem 0 0}.error{color:#b42318;margin:.25rem 0 0}
.alert{border:1px solid #b42318;background:#fef3f2;padding:.5rem 1rem;border-radius:4px}`;

/**
 * The Content-Security-Policy of these pages. The one stylesheet is inline and allowed by its
 * hash, so no other style, no script and no frame of these pages can run or load.
 */
export const SETUP_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Upblit</title>
<style>${STYLE}</style>
</head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body>
</html>
`;
}

/** A page with a title and one paragraph of plain text (no markup from the caller). */
export function messagePage(title: string, text: string): string {
  return page(title, `<p>${escapeHtml(text)}</p>`);
}

export function setupDonePage(): string {
  return page(
    "Upblit is set up",
    `<p>An account exists, so this setup page is closed. Sign in with your account; operators can add people with <code>upblit user create</code>.</p>
<p><a href="/api/docs">API documentation</a></p>`,
  );
}

export function missingTokenPage(): string {
  return messagePage(
    "Set up Upblit",
    "Open the setup link the server printed at start (or run `upblit setup-link`): the link carries a token this page needs.",
  );
}

export function setupSuccessPage(email: string, organizationName: string): string {
  return page(
    "Welcome to Upblit",
    `<p>The owner account <strong>${escapeHtml(email)}</strong> and the organization <strong>${escapeHtml(organizationName)}</strong> are ready, and you are signed in in this browser.</p>
<p>The dashboard is not there yet: explore the <a href="/api/docs">API documentation</a>.</p>`,
  );
}

/** The setup form, with the values typed so far (never the password) and what was wrong. */
export function setupFormPage(values: SetupFormValues, errors?: SetupFormErrors): string {
  const general = errors?.general.length
    ? `<div class="alert" role="alert">${errors.general.map((m) => `<p>${escapeHtml(m)}</p>`).join("")}</div>`
    : "";
  const problems = (field: keyof SetupFormErrors["fields"]) =>
    (errors?.fields[field] ?? [])
      .map((m) => `<p class="error" id="${field}-error">${escapeHtml(m)}</p>`)
      .join("");
  const described = (field: keyof SetupFormErrors["fields"]) =>
    errors?.fields[field]?.length ? ` aria-invalid="true" aria-describedby="${field}-error"` : "";
  return page(
    "Set up Upblit",
    `<p>Create the owner account and the first organization. This link works once.</p>
${general}
<form method="post" action="/setup">
<input type="hidden" name="token" value="${escapeHtml(values.token)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="${escapeHtml(values.email)}"${described("email")}>
${problems("email")}
<label for="name">Your name <span class="hint">(optional)</span></label>
<input id="name" name="name" type="text" autocomplete="name" maxlength="100" value="${escapeHtml(values.name)}"${described("name")}>
${problems("name")}
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}" maxlength="${PASSWORD_MAX}"${described("password")}>
<p class="hint">At least ${PASSWORD_MIN} characters, not your email, not a common password.</p>
${problems("password")}
<label for="organizationName">Organization name</label>
<input id="organizationName" name="organizationName" type="text" required maxlength="100" value="${escapeHtml(values.organizationName)}"${described("organizationName")}>
${problems("organizationName")}
<button type="submit">Create the owner account</button>
</form>`,
  );
}
