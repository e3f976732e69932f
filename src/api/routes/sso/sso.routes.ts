import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { redirectUriOf, verifyIssuer } from "../../../services/sso/oidc.ts";
import { deleteSsoProvider, getSsoProvider, saveSsoProvider } from "../../../services/sso/providers.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";
import { presentSsoProvider } from "./present.ts";
import { SsoProviderBody, SsoProviderResponse, SsoProviderState } from "./schemas.ts";

const TAGS = ["sso"];

/**
 * The organization's single sign-on provider (OpenID Connect), for its admins. One provider per
 * organization; the client secret is write-only and stored encrypted. docs/sso.md.
 */
export function ssoRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const redirectUri = redirectUriOf(deps.auth.publicUrl);
  return async (app) => {
    app.get(
      "/sso/provider",
      {
        config: { auth: { permission: "org:admin" } },
        schema: {
          tags: TAGS,
          operationId: "getSsoProvider",
          summary: "The organization's single sign-on provider",
          description:
            "`provider` is null until one is saved; `redirectUri` is what to register at the provider.",
          response: { 200: SsoProviderState, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const provider = await getSsoProvider(ctxFor(deps, request));
        return { provider: provider ? presentSsoProvider(provider, redirectUri) : null, redirectUri };
      },
    );

    app.put(
      "/sso/provider",
      {
        config: { auth: { permission: "org:admin" } },
        schema: {
          tags: TAGS,
          operationId: "saveSsoProvider",
          summary: "Set up or change the organization's single sign-on provider",
          description:
            "The issuer's discovery document is read first (through the same address checks as every outbound request); an issuer that does not answer as itself is refused on `issuer`. `clientSecret` is required the first time.",
          body: SsoProviderBody,
          response: { 200: SsoProviderResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const saved = await saveSsoProvider(ctxFor(deps, request), request.body, (p) =>
          verifyIssuer(deps.sso, p),
        );
        return presentSsoProvider(saved, redirectUri);
      },
    );

    app.delete(
      "/sso/provider",
      {
        config: { auth: { permission: "org:admin" } },
        schema: {
          tags: TAGS,
          operationId: "deleteSsoProvider",
          summary: "Remove the organization's single sign-on provider",
          description:
            "Members made by single sign-on stay members; they sign in again once they set a password.",
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await deleteSsoProvider(ctxFor(deps, request));
        return reply.status(204).send(null);
      },
    );
  };
}
