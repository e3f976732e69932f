import { escapeHtml } from "../../lib/html.ts";
import { PASSWORD_MAX, PASSWORD_MIN } from "../../services/auth/passwords.ts";
import { formPage as page } from "../form-page.ts";

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

export function setupDonePage(): string {
  return page(
    "Upblit is set up",
    `<p>An account exists, so this setup page is closed. Sign in with your account; operators can add people with <code>upblit user create</code>.</p>
<p><a href="/api/docs">API documentation</a></p>`,
  );
}

export function missingTokenPage(): string {
  return page(
    "Set up Upblit",
    "<p>Open the setup link the server printed at start (or run <code>upblit setup-link</code>): the link carries a token this page needs.</p>",
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
