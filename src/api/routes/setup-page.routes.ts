import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { type FastifyPluginAsyncZod, hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { completeSetup } from "../../services/accounts/setup.ts";
import { countUsers } from "../../services/accounts/users.ts";
import { normalizeEmail } from "../../services/auth/login.ts";
import { PASSWORD_MAX, passwordProblems } from "../../services/auth/passwords.ts";
import type { ApiDeps } from "../context.ts";
import { setSessionCookies } from "../cookies.ts";
import { FORM_PAGE_CSP, messagePage, sendHtml, sendOtherError, setRetryAfter } from "../form-page.ts";
import { originOf } from "../plugins/auth.ts";
import { problemFor } from "../problem.ts";
import { UNSAFE_CHARS } from "../text.ts";
import {
  missingTokenPage,
  type SetupFormErrors,
  type SetupFormValues,
  setupDonePage,
  setupFormPage,
  setupSuccessPage,
} from "./setup-page.html.ts";

/** The form is five short fields; anything bigger is not from it. */
const FORM_BODY_LIMIT = 8 * 1024;
const FORM_FIELDS = ["token", "email", "name", "password", "organizationName"] as const;
type FormField = (typeof FORM_FIELDS)[number];

const SetupPageQuery = z.object({ token: z.string().optional() });

const SetupForm = z
  .object({
    token: z
      .string()
      .min(1, "The setup link is incomplete; open it again")
      .max(200, "The setup link is not valid"),
    email: z.email("must be an email address").max(254, "must have at most 254 characters"),
    name: z.string().trim().max(100, "must have at most 100 characters"),
    password: z
      .string()
      .min(1, "is required")
      .max(PASSWORD_MAX, `must have at most ${PASSWORD_MAX} characters`),
    organizationName: z
      .string()
      .trim()
      .min(1, "is required")
      .max(100, "must have at most 100 characters")
      .refine((v) => !UNSAFE_CHARS.test(v), "must not contain control or bidi characters"),
  })
  // The policy is checked here too, before the rate limiter counts the attempt: a weak password
  // is a typing problem, not a guess at the token. completeSetup enforces it again.
  .superRefine(
    (form, ctx) => {
      for (const issue of passwordProblems(form.password, form.email, "password")) {
        ctx.addIssue({ code: "custom", path: ["password"], message: issue.message });
      }
    },
    { when: (payload) => hasStrings(payload.value, ["email", "password"]) },
  );

/**
 * The first-run setup page at /setup, outside the API: a server-rendered form that works without
 * JavaScript. It POSTs urlencoded to /setup, which spends the setup token (completeSetup), sets
 * the session cookies and shows a welcome page; errors re-render the form with what was typed
 * (never the password). Pages carry a strict CSP and are neither cached nor sent as a referrer.
 */
export function setupPageRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // Only this plugin reads forms, and it reads nothing else (JSON here gets 415).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, formFields(String(body))),
    );

    app.addHook("onRequest", async (_request, reply) => {
      reply.headers({
        "content-security-policy": FORM_PAGE_CSP,
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        // The token is in the URL: no page may pass it on as a referrer or keep it in a cache.
        "referrer-policy": "no-referrer",
        "cache-control": "no-store",
      });
    });

    app.setErrorHandler((error: FastifyError, request, reply) => renderError(error, request, reply));

    app.get("/setup", { schema: { hide: true, querystring: SetupPageQuery } }, async (request, reply) => {
      if ((await countUsers(deps.rt.db)) > 0) return sendHtml(reply, 200, setupDonePage());
      const token = request.query.token;
      if (!token) return sendHtml(reply, 200, missingTokenPage());
      return sendHtml(reply, 200, setupFormPage({ token, email: "", name: "", organizationName: "" }));
    });

    app.post(
      "/setup",
      { config: { rateLimit: "credentials" }, schema: { hide: true, body: SetupForm } },
      async (request, reply) => {
        const form = request.body;
        const done = await completeSetup(
          deps.rt,
          {
            token: form.token,
            email: form.email,
            password: form.password,
            name: form.name || undefined,
            organizationName: form.organizationName,
          },
          originOf(request),
        );
        setSessionCookies(reply, done.tokens, deps.auth.secureCookies, deps.auth.sessionMaxDays);
        return sendHtml(reply, 200, setupSuccessPage(normalizeEmail(form.email), form.organizationName));
      },
    );
  };
}

/** Only the form's own fields, as strings; anything else in the body is dropped. */
function formFields(body: string): Partial<Record<FormField, string>> {
  const params = new URLSearchParams(body);
  const out: Partial<Record<FormField, string>> = {};
  for (const field of FORM_FIELDS) {
    const value = params.get(field);
    if (value !== null) out[field] = value;
  }
  return out;
}

function hasStrings(value: unknown, keys: string[]): boolean {
  if (typeof value !== "object" || value === null) return false;
  return keys.every((k) => typeof (value as Record<string, unknown>)[k] === "string");
}

/**
 * Errors of these pages are pages too: a refused form comes back with its messages and the
 * values typed; anything else (too many attempts, a body too large, a failure) gets a short page
 * with the status the API would have used. Unknown errors show only the request id.
 */
function renderError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const requestId = String(request.id);
  const isForm = request.method === "POST";
  if (hasZodFastifySchemaValidationErrors(error)) {
    request.log.warn({ code: "VALIDATION" }, "setup form refused");
    if (!isForm)
      return sendHtml(
        reply,
        400,
        messagePage("Set up Upblit", "The setup link is malformed; open it again."),
      );
    const errors = emptyErrors();
    for (const v of error.validation) {
      const field = v.instancePath.split("/").filter(Boolean)[0] ?? "";
      addIssue(errors, field, v.message ?? "is not valid");
    }
    return sendHtml(reply, 400, setupFormPage(typedValues(request.body), errors));
  }
  if (error instanceof AppError) {
    const problem = problemFor(error.code, requestId, error.message);
    setRetryAfter(reply, error);
    request.log.warn({ code: error.code, detail: error.message }, "setup refused");
    if (!isForm) return sendHtml(reply, problem.status, messagePage(problem.title, error.message));
    const errors = emptyErrors();
    errors.general.push(error.message);
    for (const issue of error.details?.errors ?? [])
      addIssue(errors, issue.path.split(".").pop() ?? "", issue.message);
    return sendHtml(reply, problem.status, setupFormPage(typedValues(request.body), errors));
  }
  return sendOtherError(error, request, reply, { title: "Set up Upblit", what: "setup" });
}

function emptyErrors(): SetupFormErrors {
  return { fields: {}, general: [] };
}

/** Field problems go next to their field; problems with the token concern the whole link. */
function addIssue(errors: SetupFormErrors, field: string, message: string): void {
  if (field === "email" || field === "name" || field === "password" || field === "organizationName") {
    errors.fields[field] = [...(errors.fields[field] ?? []), message];
  } else if (!errors.general.includes(message)) {
    errors.general.push(message);
  }
}

/** What the person typed, to fill the form again; the password is deliberately left out. */
function typedValues(body: unknown): SetupFormValues {
  const b = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const text = (key: string) => (typeof b[key] === "string" ? (b[key] as string) : "");
  return {
    token: text("token"),
    email: text("email"),
    name: text("name"),
    organizationName: text("organizationName"),
  };
}
