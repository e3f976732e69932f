import * as client from "openid-client";
import { groupsFromClaim } from "../../domain/sso.ts";
import { AppError } from "../../lib/errors.ts";
import { decryptSecret, encryptSecret } from "../../lib/keys.ts";
import { audit } from "../audit/record.ts";
import { createSession, type SessionTokens } from "../auth/sessions.ts";
import type { Origin, Runtime } from "../context.ts";
import { admitSsoPerson } from "./admit.ts";
import { describeOidcError, discoverIssuer, redirectUriOf, type SsoDeps } from "./oidc.ts";
import { loadEnabledProvider } from "./providers.ts";
import { SsoRefused } from "./refused.ts";

/** How long a person has at the provider between "Sign in with …" and coming back. */
export const SSO_FLOW_SECONDS = 600;

/**
 * What the browser carries between the two legs, sealed (AES-256-GCM) in an httpOnly cookie:
 * the provider, state, nonce and PKCE verifier. The cookie binds the callback to the browser that
 * started it, so a code from someone else's sign-in cannot be planted (login CSRF).
 */
export interface SsoFlow {
  providerId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  expiresAt: number;
}

export function sealFlow(rt: Runtime, flow: SsoFlow): string {
  return encryptSecret(rt.keys.encryption, JSON.stringify(flow));
}

/** The flow in a cookie, or null when missing, forged, or older than SSO_FLOW_SECONDS. */
export function openFlow(rt: Runtime, sealed: string | undefined): SsoFlow | null {
  if (!sealed) return null;
  try {
    const flow = JSON.parse(decryptSecret(rt.keys.encryption, sealed)) as SsoFlow;
    return flow.expiresAt > rt.clock.now() ? flow : null;
  } catch {
    return null;
  }
}

/** First leg: where to send the browser, and the sealed flow to set as its cookie. */
export async function startSsoLogin(
  rt: Runtime,
  deps: SsoDeps,
  providerId: string,
): Promise<{ authorizationUrl: string; sealedFlow: string }> {
  const provider = await loadEnabledProvider(rt, providerId);
  if (!provider) throw new AppError("NOT_FOUND", `No single sign-on provider ${providerId}`);
  let config: client.Configuration;
  try {
    config = await discoverIssuer(deps, provider);
  } catch (err) {
    rt.log.warn(
      { category: "api", providerId, err: describeOidcError(err) },
      "single sign-on: discovery failed",
    );
    throw new SsoRefused("unavailable", "The identity provider cannot be reached; try again later");
  }
  const flow: SsoFlow = {
    providerId,
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier: client.randomPKCECodeVerifier(),
    expiresAt: rt.clock.now() + SSO_FLOW_SECONDS * 1000,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUriOf(rt.auth.publicUrl),
    scope: provider.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  return { authorizationUrl: url.href, sealedFlow: sealFlow(rt, flow) };
}

/**
 * Second leg, on the provider's redirect: the code is exchanged (with the PKCE verifier), state
 * and nonce are checked, the ID token's signature is verified against the issuer's JWKS and its
 * issuer, audience and lifetime checked (openid-client). Then the person is admitted and gets
 * the same session a password sign-in makes. Throws SsoRefused, recorded in the audit log.
 */
export async function finishSsoLogin(
  rt: Runtime,
  deps: SsoDeps,
  input: { query: URLSearchParams; sealedFlow: string | undefined; origin: Origin | undefined },
): Promise<SessionTokens & { organizationId: string }> {
  const flow = openFlow(rt, input.sealedFlow);
  if (!flow) throw new SsoRefused("expired", "The sign-in started too long ago or in another browser");
  const provider = await loadEnabledProvider(rt, flow.providerId);
  if (!provider) throw new SsoRefused("expired", "Single sign-on is no longer on for this organization");
  try {
    const person = await verifiedPerson(deps, provider, flow, rt.auth.publicUrl, input.query);
    const admitted = await admitSsoPerson(rt, provider, person, input.origin);
    const session = await createSession(
      rt,
      { id: admitted.userId, organizationId: provider.organizationId },
      input.origin,
      { organizationId: provider.organizationId },
    );
    await audit(
      rt.db,
      {
        ...rt,
        user: { id: admitted.userId, email: admitted.email, sessionId: session.sessionId },
        origin: input.origin,
      },
      {
        action: "sso.login",
        organizationId: provider.organizationId,
        target: { type: "sso_provider", id: provider.id },
        summary: { role: admitted.role, groups: person.groups.slice(0, 50) },
      },
    );
    return { ...session, organizationId: provider.organizationId };
  } catch (err) {
    const refusal = err instanceof SsoRefused ? err : new SsoRefused("provider", describeOidcError(err));
    rt.log.warn(
      { category: "api", providerId: provider.id, reason: refusal.reason, err: refusal.message },
      "single sign-on refused",
    );
    await audit(
      rt.db,
      { ...rt, organizationId: provider.organizationId, actor: { kind: "system" }, origin: input.origin },
      {
        action: "sso.login_refused",
        target: { type: "sso_provider", id: provider.id },
        summary: { reason: refusal.reason, detail: refusal.message },
      },
    );
    throw refusal;
  }
}

async function verifiedPerson(
  deps: SsoDeps,
  provider: { issuer: string; clientId: string; clientSecret: string; groupsClaim: string },
  flow: SsoFlow,
  publicUrl: string,
  query: URLSearchParams,
) {
  const config = await discoverIssuer(deps, provider);
  const callback = new URL(redirectUriOf(publicUrl));
  callback.search = query.toString();
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: flow.codeVerifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims();
  if (!idClaims) throw new SsoRefused("provider", "The provider sent no ID token");
  let claims: Record<string, unknown> = { ...idClaims };
  if (config.serverMetadata().userinfo_endpoint) {
    // The ID token's claims win; userinfo (bound to the same subject) adds what it left out.
    const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    claims = { ...info, ...idClaims };
  }
  return {
    subject: idClaims.sub,
    email: typeof claims.email === "string" ? claims.email : undefined,
    emailVerified: claims.email_verified === true,
    name: typeof claims.name === "string" ? claims.name : undefined,
    groups: groupsFromClaim(claims[provider.groupsClaim]),
  };
}
