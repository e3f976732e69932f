import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import {
  changePassword,
  getMe,
  logout,
  logoutEverywhere,
  revokeOwnSession,
  switchOrganization,
} from "../../../services/auth/account.ts";
import { login } from "../../../services/auth/login.ts";
import { listSessions, refreshSession } from "../../../services/auth/sessions.ts";
import { type ApiDeps, userCtxFor } from "../../context.ts";
import { clearSessionCookies, cookieNames, setSessionCookies } from "../../cookies.ts";
import { assertSameOriginCsrf, originOf } from "../../plugins/auth.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { Email, MfaChallenge, Password, SessionResponse, TokenPair, tokenPair } from "./schemas.ts";

const AUTH_ERRORS = { 429: Problem, ...COMMON_ERRORS };

/**
 * Sign-in and sessions. Responses carry the tokens in the body (for scripts and apps) and set
 * cookies (for the browser); send either the `Authorization: Bearer` header or the cookies.
 */
export function authRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const secure = deps.auth.secureCookies;
  const names = cookieNames(secure);
  return async (app) => {
    app.post(
      "/auth/login",
      {
        config: { auth: "public", rateLimit: "credentials" },
        schema: {
          tags: ["auth"],
          operationId: "logIn",
          summary: "Sign in with email and password",
          description:
            "Returns a token pair, or `mfaRequired: true` with an `mfaToken` when the account has a second factor. Rate-limited per IP and per account.",
          body: z.strictObject({ email: Email, password: Password }),
          response: { 200: z.union([TokenPair, MfaChallenge]), ...AUTH_ERRORS },
        },
      },
      async (request, reply) => {
        const result = await login(deps.rt, request.body, originOf(request));
        if (result.mfaRequired) return { mfaRequired: true as const, mfaToken: result.mfaToken };
        setSessionCookies(reply, result, secure, deps.auth.sessionMaxDays);
        return tokenPair(result);
      },
    );

    app.post(
      "/auth/refresh",
      {
        config: { auth: "public", rateLimit: "credentials" },
        schema: {
          tags: ["auth"],
          operationId: "refreshTokens",
          summary: "Trade a refresh token for a new token pair",
          description:
            "The refresh token comes from the body or the refresh cookie; it is single-use. Reusing a spent one (after a 10 s grace for two tabs) ends the whole session.",
          body: z.strictObject({ refreshToken: z.string().min(1).max(200).optional() }).nullish(),
          response: { 200: TokenPair, ...AUTH_ERRORS },
        },
      },
      async (request, reply) => {
        let token = request.body?.refreshToken;
        if (!token) {
          token = request.cookies[names.refresh];
          if (token) assertSameOriginCsrf(request, names, deps.auth.publicUrl);
        }
        if (!token) throw new AppError("UNAUTHENTICATED", "No refresh token in the body or cookie");
        const tokens = await refreshSession(deps.rt, token);
        setSessionCookies(reply, tokens, secure, deps.auth.sessionMaxDays);
        return tokenPair(tokens);
      },
    );

    app.post(
      "/auth/logout",
      {
        config: { auth: "user" },
        schema: {
          tags: ["auth"],
          operationId: "logOut",
          summary: "End this session",
          response: { 204: z.null(), ...AUTH_ERRORS },
        },
      },
      async (request, reply) => {
        await logout(userCtxFor(request));
        clearSessionCookies(reply, secure);
        return reply.status(204).send(null);
      },
    );

    app.post(
      "/auth/logout-everywhere",
      {
        config: { auth: "user" },
        schema: {
          tags: ["auth"],
          operationId: "logOutEverywhere",
          summary: "End every session of this account, this one included",
          response: { 204: z.null(), ...AUTH_ERRORS },
        },
      },
      async (request, reply) => {
        await logoutEverywhere(userCtxFor(request));
        clearSessionCookies(reply, secure);
        return reply.status(204).send(null);
      },
    );

    app.get(
      "/auth/sessions",
      {
        config: { auth: "user" },
        schema: {
          tags: ["auth"],
          operationId: "listSessions",
          summary: "List this account's open sessions",
          response: { 200: z.object({ items: z.array(SessionResponse) }), ...AUTH_ERRORS },
        },
      },
      async (request) => {
        const sessions = await listSessions(userCtxFor(request));
        return {
          items: sessions.map((s) => ({
            ...s,
            createdAt: s.createdAt.toISOString(),
            lastSeenAt: s.lastSeenAt.toISOString(),
            expiresAt: s.expiresAt.toISOString(),
          })),
        };
      },
    );

    app.delete(
      "/auth/sessions/:id",
      {
        config: { auth: "user" },
        schema: {
          tags: ["auth"],
          operationId: "endSession",
          summary: "End one of this account's sessions",
          params: z.object({ id: z.string().max(40) }),
          response: { 204: z.null(), ...AUTH_ERRORS },
        },
      },
      async (request, reply) => {
        await revokeOwnSession(userCtxFor(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      "/auth/switch-organization",
      {
        config: { auth: "user" },
        schema: {
          tags: ["auth"],
          operationId: "switchOrganization",
          summary: "Make this session act in another of your organizations",
          body: z.strictObject({ organizationId: z.string().max(40) }),
          response: { 200: z.object({ organizationId: z.string(), role: z.string() }), ...AUTH_ERRORS },
        },
      },
      async (request) => switchOrganization(userCtxFor(request), request.body.organizationId),
    );

    app.get(
      "/me",
      {
        config: { auth: "user" },
        schema: {
          tags: ["auth"],
          operationId: "getMe",
          summary: "Who am I: profile and organizations",
          response: {
            200: z.object({
              id: z.string(),
              email: z.string(),
              name: z.string(),
              totpEnabled: z.boolean(),
              createdAt: z.string(),
              currentOrganizationId: z.string().nullable(),
              organizations: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })),
            }),
            ...AUTH_ERRORS,
          },
        },
      },
      async (request) => {
        const me = await getMe(userCtxFor(request));
        return { ...me, createdAt: me.createdAt.toISOString() };
      },
    );

    app.post(
      "/me/password",
      {
        config: { auth: "user", rateLimit: "credentials" },
        schema: {
          tags: ["auth"],
          operationId: "changePassword",
          summary: "Change your password",
          description: "Ends every other session of the account.",
          body: z.strictObject({ currentPassword: Password, newPassword: Password }),
          response: { 204: z.null(), ...AUTH_ERRORS },
        },
      },
      async (request, reply) => {
        await changePassword(userCtxFor(request), request.body);
        return reply.status(204).send(null);
      },
    );
  };
}
