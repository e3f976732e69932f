import type { FastifyReply } from "fastify";
import { newSecretToken } from "../services/auth/secrets.ts";
import type { SessionTokens } from "../services/auth/sessions.ts";

/**
 * Browser sessions ride in cookies: the access token (`HttpOnly`, `SameSite=Lax`, path `/`), the
 * refresh token (`HttpOnly`, only sent to /api/v1/auth) and a CSRF token the page script reads and
 * echoes in `x-csrf-token`. Behind https they are `Secure`, and the access cookie is `__Host-`.
 */
export function cookieNames(secure: boolean) {
  return {
    access: secure ? "__Host-upblit-access" : "upblit-access",
    refresh: secure ? "__Secure-upblit-refresh" : "upblit-refresh",
    csrf: secure ? "__Host-upblit-csrf" : "upblit-csrf",
  };
}

const REFRESH_PATH = "/api/v1/auth";

export function setSessionCookies(
  reply: FastifyReply,
  tokens: SessionTokens,
  secure: boolean,
  maxDays: number,
) {
  const names = cookieNames(secure);
  const base = { secure, sameSite: "lax" as const, path: "/" };
  reply.setCookie(names.access, tokens.accessToken, { ...base, httpOnly: true, maxAge: tokens.expiresIn });
  reply.setCookie(names.refresh, tokens.refreshToken, {
    ...base,
    path: REFRESH_PATH,
    httpOnly: true,
    maxAge: maxDays * 86_400,
  });
  reply.setCookie(names.csrf, newSecretToken(18), { ...base, httpOnly: false, maxAge: maxDays * 86_400 });
}

export function clearSessionCookies(reply: FastifyReply, secure: boolean) {
  const names = cookieNames(secure);
  reply.clearCookie(names.access, { path: "/", secure });
  reply.clearCookie(names.refresh, { path: REFRESH_PATH, secure });
  reply.clearCookie(names.csrf, { path: "/", secure });
}
