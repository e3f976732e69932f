import * as client from "openid-client";
import { AppError } from "../../lib/errors.ts";

/**
 * How Upblit talks to identity providers. `fetch` is the SSRF-safe client main.ts hands in
 * (probe/safe-fetch.ts): discovery, the key set (JWKS), the token and userinfo requests all go
 * through it. Services may not import the probe, so the fetch arrives as a parameter.
 */
export interface SsoDeps {
  fetch: client.CustomFetch;
  /** `http://` issuers only with the private-network opt-in (ALLOW_PRIVATE_TARGETS). */
  allowHttpIssuer: boolean;
}

export const SSO_CALLBACK_PATH = "/api/v1/auth/sso/callback";

export function redirectUriOf(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, "")}${SSO_CALLBACK_PATH}`;
}

/**
 * Reads the issuer's discovery document (which must name exactly this issuer) and returns the
 * client's configuration. Nothing is cached: metadata and keys are read at each sign-in, so a
 * key rotation at the provider is picked up at once. ID token signatures are always checked.
 */
export async function discoverIssuer(
  deps: SsoDeps,
  provider: { issuer: string; clientId: string; clientSecret: string },
): Promise<client.Configuration> {
  const url = new URL(provider.issuer);
  const http = url.protocol === "http:";
  if (http && !deps.allowHttpIssuer) {
    throw new AppError("VALIDATION", "The issuer must use https://", {
      errors: [
        { path: "body.issuer", message: "must start with https:// (http:// needs ALLOW_PRIVATE_TARGETS)" },
      ],
    });
  }
  // enableNonRepudiationChecks: verify the ID token's signature against the issuer's JWKS even
  // though it came straight from the token endpoint (openid-client skips that by default).
  const execute = [client.enableNonRepudiationChecks, ...(http ? [client.allowInsecureRequests] : [])];
  return client.discovery(
    url,
    provider.clientId,
    undefined,
    client.ClientSecretBasic(provider.clientSecret),
    {
      [client.customFetch]: deps.fetch,
      execute,
      timeout: 10,
    },
  );
}

/** The save-time check: discovery must succeed, else a field problem on `issuer`. */
export async function verifyIssuer(
  deps: SsoDeps,
  provider: { issuer: string; clientId: string; clientSecret: string },
): Promise<void> {
  try {
    await discoverIssuer(deps, provider);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError("VALIDATION", "The issuer's discovery document could not be read", {
      errors: [{ path: "body.issuer", message: `discovery failed: ${describeOidcError(err)}` }],
    });
  }
}

/** A short, secret-free description of what went wrong talking to a provider. */
export function describeOidcError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`.slice(0, 300);
}
