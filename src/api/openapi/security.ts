import type { RouteAuth } from "../plugins/auth.ts";

/**
 * How a caller proves who it is (docs/authentication.md). Scripts send `Authorization: Bearer`
 * with an API key (`upb_…`) or an access token from /auth/login; a browser sends the session
 * cookie, plus the CSRF cookie's value in `x-csrf-token` on unsafe methods.
 */
export const SECURITY_SCHEMES = {
  apiKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "upb_…",
    description:
      "An API key (`Authorization: Bearer upb_…`) created under /api/v1/api-keys, limited to its scopes. The scopes an operation needs are listed in its security requirement.",
  },
  accessToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A person's access token from /api/v1/auth/login or /api/v1/auth/refresh (15 minutes).",
  },
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: "upblit-access",
    description:
      "The dashboard's session: the access token in an HttpOnly cookie (`__Host-upblit-access` behind https).",
  },
  probeToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "upb_probe_…",
    description:
      "A remote probe's token (`Authorization: Bearer upb_probe_…`) from /api/v1/probe-tokens: the probe protocol only, for one region (docs/remote-probes.md).",
  },
  csrfToken: {
    type: "apiKey",
    in: "header",
    name: "x-csrf-token",
    description:
      "With the session cookie, unsafe methods repeat the `upblit-csrf` cookie's value here (double submit).",
  },
} as const;

type Requirement = Partial<Record<keyof typeof SECURITY_SCHEMES, string[]>>;

/** The security requirement of one operation, from its route's `config.auth`. */
export function securityFor(auth: RouteAuth | undefined, method: string): Requirement[] {
  if (auth === undefined || auth === "public") return [];
  if (auth === "probe") return [{ probeToken: [] }];
  const cookie: Requirement =
    method === "GET" || method === "HEAD" ? { sessionCookie: [] } : { sessionCookie: [], csrfToken: [] };
  const keysAllowed = auth !== "user" && auth.keys !== false;
  return [{ accessToken: [] }, ...(keysAllowed ? [{ apiKey: [] }] : []), cookie];
}

/**
 * Who may call the operation, in words, ending its description; the permission is also given as
 * `x-permission` (OpenAPI scopes are for OAuth, which Upblit does not speak).
 */
export function accessNote(auth: RouteAuth | undefined): string {
  if (auth === undefined || auth === "public") return "Public: no credential needed.";
  if (auth === "user") return "Any signed-in person, for their own account; API keys are refused.";
  if (auth === "probe")
    return "A probe token only (`probe:region`); people and API keys are refused (docs/remote-probes.md).";
  const who = auth.keys === false ? "a person (API keys are refused)" : "a person or an API key";
  return `Needs the \`${auth.permission}\` permission: ${who} whose role or scopes include it (docs/permissions.md).`;
}
