import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../../lib/errors.ts";
import { verifyToken } from "../../services/auth/access-tokens.ts";
import { normalizeEmail } from "../../services/auth/login.ts";
import { hashToken } from "../../services/auth/secrets.ts";
import {
  type AttemptOutcome,
  beginCredentialAttempt,
  type CredentialAttempt,
  finishCredentialAttempt,
} from "../../services/rate-limit/credentials.ts";
import { countApiRequest, countMailRequest, countPublicRequest } from "../../services/rate-limit/requests.ts";
import type { ApiDeps } from "../context.ts";
import { addRouteHook } from "./route-hooks.ts";

/**
 * A route's rate-limit class, declared in its `config.rateLimit` (docs/rate-limits.md):
 * - `credentials`: the request proves something secret (password, code, token from a link):
 *   failures per IP and per account lead to a growing back-off, plus a per-IP request cap;
 * - `mail`: the request sends mail and answers the same whatever happens (password reset):
 *   fixed caps per IP and per target email.
 * - `public`: the request proves nothing and needs no sign-in (GET /api/v1/setup): a fixed cap per IP.
 * Every authenticated request also counts against its API key's or person's per-minute cap.
 */
export type RouteRateLimit = "credentials" | "mail" | "public";

declare module "fastify" {
  interface FastifyContextConfig {
    rateLimit?: RouteRateLimit;
  }
  interface FastifyRequest {
    /** A credential attempt let through by the limits, settled when the answer is sent. */
    credentialAttempt?: CredentialAttempt;
  }
}

/**
 * Registers the limits. Must come right after registerAuth: the per-key hook reads the caller
 * the auth hook resolved. Limits are checked before the handler runs (after body parsing) and
 * a credential attempt's outcome is recorded before its answer leaves, so a client that gets
 * its 401 back already faces the back-off it caused.
 */
export function registerRateLimits(app: FastifyInstance, deps: ApiDeps): void {
  const limits = deps.rateLimits;

  // Each route gets only the hooks its config calls for (route-hooks.ts); callback-style, so a
  // request with nothing to count (a probe, a person without a session) passes without a promise.
  app.addHook("onRoute", (route) => {
    const auth = route.config?.auth;
    // Runs after the auth hook added for the same route (registerAuth comes first).
    if (auth && auth !== "public") addRouteHook(route, "onRequest", countCaller);
    const kind = route.config?.rateLimit;
    if (!kind) return;
    addRouteHook(route, "preHandler", (request, _reply, done) => {
      countClass(request, kind).then(() => done(), done);
    });
    if (kind === "credentials") addRouteHook(route, "onSend", finishAttempt);
  });

  function countCaller(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) {
    const actor = request.orgCtx?.actor;
    const userId = actor?.kind === "user" ? actor.userId : request.userCtx?.user.id;
    const counted =
      actor?.kind === "apiKey"
        ? countApiRequest(limits, { kind: "apiKey", keyId: actor.keyId })
        : userId
          ? countApiRequest(limits, { kind: "user", userId })
          : undefined;
    if (!counted) return done();
    counted.then(() => done(), done);
  }

  function finishAttempt(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (err: Error | null, payload?: unknown) => void,
  ) {
    const attempt = request.credentialAttempt;
    if (!attempt) return done(null, payload);
    request.credentialAttempt = undefined;
    finishCredentialAttempt(limits, attempt, outcomeOf(reply.statusCode)).then(
      () => done(null, payload),
      (err: Error) => done(err),
    );
  }

  async function countClass(request: FastifyRequest, kind: RouteRateLimit): Promise<void> {
    if (kind === "public") return countPublicRequest(limits, request.ip);
    const fields = bodyFields(request.body);
    if (kind === "mail") {
      const emailKey = fields.email ? accountKey("email", normalizeEmail(fields.email)) : undefined;
      return countMailRequest(limits, { ip: request.ip, emailKey });
    }
    const account = await accountOf(deps, request, fields);
    request.credentialAttempt = await beginCredentialAttempt(limits, { ip: request.ip, account });
  }
}

/**
 * What an answer means for brute-force counting. Schema-invalid bodies never reach the limits
 * (they are refused before the handler), so any other 4xx but 429 is a failed attempt; server
 * errors and refusals by another limit say nothing about the secret.
 */
export function outcomeOf(statusCode: number): AttemptOutcome {
  if (statusCode < 400) return "success";
  if (statusCode < 500 && statusCode !== 429) return "failure";
  return "neutral";
}

interface BodyFields {
  email?: string;
  mfaToken?: string;
  token?: string;
  refreshToken?: string;
}

function bodyFields(body: unknown): BodyFields {
  if (typeof body !== "object" || body === null) return {};
  const b = body as Record<string, unknown>;
  const text = (name: keyof BodyFields) => (typeof b[name] === "string" ? (b[name] as string) : undefined);
  return {
    email: text("email"),
    mfaToken: text("mfaToken"),
    token: text("token"),
    refreshToken: text("refreshToken"),
  };
}

/**
 * The account an attempt is against: the signed-in person (password or code checks on your own
 * account), else the email named, else the person a valid second-factor token was issued to
 * (so fetching a new token by signing in again does not reset the count), else the token itself.
 */
async function accountOf(
  deps: ApiDeps,
  request: FastifyRequest,
  fields: BodyFields,
): Promise<string | undefined> {
  const signedIn = request.userCtx?.user.id ?? userIdOf(request);
  if (signedIn) return accountKey("user", signedIn);
  if (fields.email) return accountKey("email", normalizeEmail(fields.email));
  if (fields.mfaToken) {
    try {
      const claims = await verifyToken(deps.rt.keys.jwt, "mfa", fields.mfaToken, deps.rt.clock.now());
      return accountKey("user", claims.sub);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return accountKey("token", fields.mfaToken);
    }
  }
  const token = fields.token ?? fields.refreshToken;
  return token ? accountKey("token", token) : undefined;
}

function userIdOf(request: FastifyRequest): string | undefined {
  const actor = request.orgCtx?.actor;
  return actor?.kind === "user" ? actor.userId : undefined;
}

/** Keys are hashed so the store (Redis) holds no emails or tokens. */
function accountKey(kind: "user" | "email" | "token", value: string): string {
  return hashToken(`${kind}:${value}`);
}
