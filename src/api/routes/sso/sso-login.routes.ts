import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ssoChoicesForEmail } from "../../../services/sso/discover.ts";
import { finishSsoLogin, SSO_FLOW_SECONDS, startSsoLogin } from "../../../services/sso/flow.ts";
import { SsoRefused } from "../../../services/sso/refused.ts";
import type { ApiDeps } from "../../context.ts";
import { setSessionCookies } from "../../cookies.ts";
import { originOf } from "../../plugins/auth.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { SsoChoices, SsoDiscoverQuery, SsoStartParams } from "./schemas.ts";

const TAGS = ["auth"];
const FLOW_PATH = "/api/v1/auth/sso";

/** The sealed state/nonce/PKCE cookie between the two legs; only sent to /api/v1/auth/sso. */
function flowCookieName(secure: boolean): string {
  return secure ? "__Secure-upblit-sso" : "upblit-sso";
}

/**
 * Signing in with single sign-on (OpenID Connect authorization code flow with PKCE). The sign-in
 * page asks which providers an email's domain has, then opens `start`, which sends the browser
 * to the provider; the provider sends it back to `callback`, which sets the same session cookies
 * as a password sign-in and goes on to the dashboard, or back to /login?sso=<reason>.
 */
export function ssoLoginRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const secure = deps.auth.secureCookies;
  const flowCookie = flowCookieName(secure);
  return async (app) => {
    app.get(
      "/auth/sso/providers",
      {
        config: { auth: "public", rateLimit: "public" },
        schema: {
          tags: TAGS,
          operationId: "listSsoChoices",
          summary: "Which single sign-on providers an email address can use",
          description:
            "Matches the email's domain against the allowed domains of enabled providers; an empty list means: sign in with a password. Says nothing about whether an account exists.",
          querystring: SsoDiscoverQuery,
          response: { 200: SsoChoices, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const choices = await ssoChoicesForEmail(deps.rt, request.query.email);
        return {
          items: choices.map((c) => ({
            ...c,
            startUrl: `${FLOW_PATH}/${encodeURIComponent(c.providerId)}/start`,
          })),
        };
      },
    );

    app.get(
      "/auth/sso/:providerId/start",
      {
        config: { auth: "public", rateLimit: "public" },
        schema: {
          tags: TAGS,
          operationId: "startSsoLogin",
          summary: "Start signing in with a single sign-on provider (a browser navigation)",
          description:
            "Redirects (302) to the provider's authorization endpoint with state, nonce and a PKCE challenge, and sets a short-lived, sealed cookie holding them. When the provider cannot be reached: 302 to `/login?sso=unavailable`. An unknown or disabled provider: 404.",
          params: SsoStartParams,
          response: { 302: z.null(), 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        let started: Awaited<ReturnType<typeof startSsoLogin>>;
        try {
          started = await startSsoLogin(deps.rt, deps.sso, request.params.providerId);
        } catch (err) {
          if (!(err instanceof SsoRefused)) throw err;
          return reply.redirect(`/login?sso=${err.reason}`, 302);
        }
        reply.setCookie(flowCookie, started.sealedFlow, {
          path: FLOW_PATH,
          httpOnly: true,
          secure,
          sameSite: "lax",
          maxAge: SSO_FLOW_SECONDS,
        });
        return reply.redirect(started.authorizationUrl, 302);
      },
    );

    app.get(
      "/auth/sso/callback",
      {
        config: { auth: "public", rateLimit: "public" },
        schema: {
          tags: TAGS,
          operationId: "finishSsoLogin",
          summary: "Where the provider sends the browser back (the redirect URI)",
          description:
            "Exchanges the code, verifies the ID token and signs in: 302 to `/` with the session cookies, or 302 to `/login?sso=<reason>` (`expired`, `provider`, `email`, `no-access`, `unavailable`). Every refusal is in the audit log as `sso.login_refused`.",
          response: { 302: z.null(), 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const raw = request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "";
        const sealedFlow = request.cookies[flowCookie];
        reply.clearCookie(flowCookie, { path: FLOW_PATH, secure });
        try {
          const session = await finishSsoLogin(deps.rt, deps.sso, {
            query: new URLSearchParams(raw),
            sealedFlow,
            origin: originOf(request),
          });
          setSessionCookies(reply, session, secure, deps.auth.sessionMaxDays);
          return reply.redirect("/", 302);
        } catch (err) {
          if (!(err instanceof SsoRefused)) throw err;
          return reply.redirect(`/login?sso=${err.reason}`, 302);
        }
      },
    );
  };
}
