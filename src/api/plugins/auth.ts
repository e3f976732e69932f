import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Permission } from "../../domain/permissions.ts";
import { AppError } from "../../lib/errors.ts";
import { authenticateApiKey } from "../../services/auth/api-key-auth.ts";
import { looksLikeApiKey, looksLikeProbeToken } from "../../services/auth/api-key-format.ts";
import { authenticateAccessToken, userActor } from "../../services/auth/sessions.ts";
import type { Ctx, Origin, UserCtx } from "../../services/context.ts";
import { authenticateProbeToken, type ProbeCaller } from "../../services/probe-tokens/tokens.ts";
import type { ApiDeps } from "../context.ts";
import { cookieNames } from "../cookies.ts";
import { addRouteHook } from "./route-hooks.ts";

/**
 * What a route needs from its caller, declared in the route's `config.auth`:
 * - `public`: nobody needs to be signed in (login, setup, refresh, invitation lookup);
 * - `user`: a signed-in person (session, not an API key) acting on their own account;
 * - `{ permission }`: a person or API key acting in an organization with that permission;
 *   `keys: false` keeps API keys out (making keys, leaving an organization).
 * - `probe`: a remote probe's token (`probe:region`); nothing else may call these routes, and a
 *   probe token may call nothing else (docs/remote-probes.md).
 * Every route under /api/v1 must declare one; the app refuses to start otherwise.
 */
export type RouteAuth = "public" | "user" | "probe" | { permission: Permission; keys?: false };

/** One row of the route table: what each /api/v1 route needs (docs/permissions.md is made from it). */
export interface RouteAuthEntry {
  method: string;
  url: string;
  auth: RouteAuth;
}

declare module "fastify" {
  interface FastifyInstance {
    routeAuthTable: readonly RouteAuthEntry[];
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    /** Set for `{ permission }` routes. */
    orgCtx?: Ctx;
    /** Set for `user` routes. */
    userCtx?: UserCtx;
    /** Set for `probe` routes: the region and organization the probe token speaks for. */
    probeCaller?: ProbeCaller;
    /** Re-checks the request's credential now: false once it was revoked or lost the permission. */
    stillAuthorized?: () => Promise<boolean>;
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Query parameters that would carry a credential; credentials in URLs end up in logs. */
const CREDENTIAL_PARAMS = /(?:^|[?&])(?:access_token|api_key|apikey|token|key)=|upb_[0-9A-Za-z]/;

export function originOf(request: FastifyRequest): Origin {
  const ua = request.headers["user-agent"];
  return { ip: request.ip, userAgent: typeof ua === "string" ? ua : undefined };
}

export function registerAuth(app: FastifyInstance, deps: ApiDeps): void {
  const names = cookieNames(deps.auth.secureCookies);

  const table: RouteAuthEntry[] = [];
  app.decorate("routeAuthTable", table);
  app.addHook("onRoute", (route) => {
    const auth = route.config?.auth;
    // Public routes (and routes outside the API that declare nothing) run no authentication hook.
    if (auth && auth !== "public") {
      addRouteHook(route, "onRequest", (request, _reply, done) => {
        authenticate(request, auth).then(() => done(), done);
      });
    }
    if (!route.url.startsWith("/api/v1/")) return;
    if (!auth) throw new Error(`route ${route.method} ${route.url} declares no config.auth`);
    for (const method of [route.method].flat()) {
      if (method !== "HEAD") table.push({ method, url: route.url, auth });
    }
  });

  async function authenticate(request: FastifyRequest, auth: Exclude<RouteAuth, "public">): Promise<void> {
    const query = request.url.includes("?") ? request.url.slice(request.url.indexOf("?")) : "";
    if (CREDENTIAL_PARAMS.test(query)) {
      throw new AppError(
        "VALIDATION",
        "Credentials are refused in the query string; send an Authorization header",
        {
          errors: [{ path: "querystring", message: "must not carry a token or API key" }],
        },
      );
    }
    const credential = readCredential(request, names);
    if (!credential)
      throw new AppError("UNAUTHENTICATED", "Sign in or send an API key in the Authorization header");
    if (credential.viaCookie) assertSameOriginCsrf(request, names, deps.auth.publicUrl);
    if (auth === "probe" || credential.kind === "probe") {
      await resolveProbe(deps, request, auth, credential);
      return;
    }

    const resolve = () => resolveCaller(deps, request, auth, credential);
    const resolved = await resolve();
    request.orgCtx = resolved.orgCtx;
    request.userCtx = resolved.userCtx;
    // Long-lived responses (SSE) call this to end when the credential stops being good enough.
    request.stillAuthorized = async () => {
      try {
        const again = await resolve();
        return (again.orgCtx?.organizationId ?? null) === (resolved.orgCtx?.organizationId ?? null);
      } catch {
        return false;
      }
    };
  }
}

/** Probe tokens call the probe routes only, and the probe routes take nothing but probe tokens. */
async function resolveProbe(
  deps: ApiDeps,
  request: FastifyRequest,
  auth: Exclude<RouteAuth, "public">,
  credential: { kind: "apiKey" | "access" | "probe"; token: string },
): Promise<void> {
  if (auth !== "probe") {
    const needs = typeof auth === "object" ? `the ${auth.permission} permission` : "a signed-in person";
    throw new AppError(
      "FORBIDDEN",
      auth === "user"
        ? "This route is for signed-in people, not API keys or probe tokens"
        : `This needs ${needs}; a probe token carries probe:region only`,
    );
  }
  if (credential.kind !== "probe") {
    throw new AppError("FORBIDDEN", "This needs the probe:region permission, which only probe tokens carry");
  }
  const ua = request.headers["user-agent"];
  const version = typeof ua === "string" ? /upblit-probe\/(\S+)/.exec(ua)?.[1] : undefined;
  const resolve = () => authenticateProbeToken(deps.rt, credential.token, { ip: request.ip, version });
  request.probeCaller = await resolve();
  request.stillAuthorized = async () => {
    try {
      await resolve();
      return true;
    } catch {
      return false;
    }
  };
}

/**
 * Who the credential belongs to, in which organization, and whether they hold the route's
 * permission. Throws 401 for a bad credential and 403 for a missing permission.
 */
async function resolveCaller(
  deps: ApiDeps,
  request: FastifyRequest,
  auth: Exclude<RouteAuth, "public">,
  credential: { kind: "apiKey" | "access" | "probe"; token: string },
): Promise<{ orgCtx?: Ctx; userCtx?: UserCtx }> {
  if (auth === "probe") throw new AppError("FORBIDDEN", "This needs the probe:region permission");
  const base = { ...deps.rt, origin: originOf(request), requestId: String(request.id) };
  let orgCtx: Ctx;
  if (credential.kind === "apiKey") {
    if (auth === "user" || auth.keys === false) {
      throw new AppError("FORBIDDEN", "This route is for signed-in people, not API keys");
    }
    const key = await authenticateApiKey(deps.rt, credential.token, request.ip);
    orgCtx = { ...base, organizationId: key.organizationId, actor: key.actor };
  } else {
    const who = await authenticateAccessToken(deps.rt, credential.token);
    if (auth === "user") return { userCtx: { ...base, user: who.user } };
    if (!who.membership) {
      throw new AppError("FORBIDDEN", "This session acts in no organization; create or switch to one");
    }
    orgCtx = {
      ...base,
      organizationId: who.membership.organizationId,
      actor: userActor({ ...who, membership: who.membership }),
    };
  }
  const actor = orgCtx.actor;
  if (actor.kind !== "system" && !actor.permissions.has(auth.permission)) {
    throw new AppError("FORBIDDEN", `This needs the ${auth.permission} permission`, {
      permission: auth.permission,
    });
  }
  return { orgCtx };
}

function readCredential(
  request: FastifyRequest,
  names: ReturnType<typeof cookieNames>,
): { kind: "apiKey" | "access" | "probe"; token: string; viaCookie: boolean } | undefined {
  const header = request.headers.authorization;
  if (typeof header === "string" && header.length > 0) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new AppError("UNAUTHENTICATED", "Authorization must be `Bearer <token>`");
    const token = match[1];
    const kind = looksLikeProbeToken(token) ? "probe" : looksLikeApiKey(token) ? "apiKey" : "access";
    return { kind, token, viaCookie: false };
  }
  const cookie = request.cookies[names.access];
  if (cookie) return { kind: "access", token: cookie, viaCookie: true };
  return undefined;
}

/**
 * Cookie-authenticated requests: an unsafe method must carry the CSRF cookie's value in
 * `x-csrf-token` (double submit: another site can send our cookies but cannot read them), and
 * any request with an `Origin` header must come from our own origin (this also refuses
 * cross-origin SSE).
 */
export function assertSameOriginCsrf(
  request: FastifyRequest,
  names: ReturnType<typeof cookieNames>,
  publicUrl: string,
): void {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== publicUrl && origin !== `${request.protocol}://${request.host}`) {
    throw new AppError("FORBIDDEN", "Cross-origin requests with cookies are refused");
  }
  if (!UNSAFE.has(request.method)) return;
  const sent = request.headers["x-csrf-token"];
  const expected = request.cookies[names.csrf];
  if (!expected || typeof sent !== "string" || sent !== expected) {
    throw new AppError(
      "FORBIDDEN",
      "Missing or wrong x-csrf-token header (send the upblit-csrf cookie's value)",
    );
  }
}
