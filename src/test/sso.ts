/** Single sign-on as a browser does it, for the SSO tests; not a test file itself. */
import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { API, call } from "./api-helpers.ts";
import type { OidcFixture } from "./oidc-provider.ts";
import type { TestUpblit } from "./upblit.ts";

/** Upblit's public address in the SSO tests: the redirect URI registered at the provider. */
export const SSO_PUBLIC_URL = "http://upblit.test";
export const SSO_REDIRECT_URI = `${SSO_PUBLIC_URL}/api/v1/auth/sso/callback`;

/** A provider body the tests start from. */
export function providerBody(fixture: OidcFixture, overrides: Record<string, unknown> = {}) {
  return {
    displayName: "Acme ID",
    issuer: fixture.issuer,
    clientId: fixture.clientId,
    clientSecret: fixture.clientSecret,
    emailDomains: ["acme.test"],
    scopes: "openid email profile groups",
    roleMapping: [
      { group: "ops", role: "editor" },
      { group: "platform", role: "admin" },
      { group: "staff", role: "viewer" },
    ],
    ...overrides,
  };
}

function cookieOf(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const raw = res.headers["set-cookie"];
  const all = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  for (const c of all) {
    const [pair] = String(c).split(";");
    const eq = pair!.indexOf("=");
    if (pair!.slice(0, eq) === name) return pair!.slice(eq + 1);
  }
  return undefined;
}

export interface ProviderLeg {
  /** The callback as the provider sent the browser to it (path and query). */
  callback: URL;
  /** The sealed flow cookie `start` set. */
  flowCookie: string;
}

/**
 * Clicks "Sign in with …": `start` on Upblit, then every redirect at the provider (which signs
 * in `fixture.nextLogin`) with the provider's cookies kept, up to the way back to Upblit.
 */
export async function throughProvider(up: TestUpblit, providerId: string): Promise<ProviderLeg> {
  const start = await call(up, "GET", `${API}/auth/sso/${providerId}/start`, undefined, {
    authorization: "",
  });
  expect(start.statusCode, start.body).toBe(302);
  const flowCookie = cookieOf(start, "upblit-sso");
  expect(flowCookie).toBeTruthy();
  const jar = new Map<string, string>();
  let next = new URL(String(start.headers.location));
  for (let hop = 0; hop < 10; hop++) {
    if (next.href.startsWith(SSO_PUBLIC_URL)) return { callback: next, flowCookie: flowCookie! };
    const res = await fetch(next, {
      redirect: "manual",
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const location = res.headers.get("location");
    if (!location)
      throw new Error(`the provider answered ${res.status} without a redirect: ${await res.text()}`);
    next = new URL(location, next);
  }
  throw new Error("too many redirects at the provider");
}

/** The provider's redirect arriving at Upblit's callback, with the browser's flow cookie. */
export function arriveAtCallback(up: TestUpblit, leg: ProviderLeg): Promise<LightMyRequestResponse> {
  return call(up, "GET", `${leg.callback.pathname}${leg.callback.search}`, undefined, {
    authorization: "",
    cookie: `upblit-sso=${leg.flowCookie}`,
  });
}

/** The whole sign-in; answers the callback's response and the access token it set, if any. */
export async function ssoSignIn(
  up: TestUpblit,
  providerId: string,
): Promise<{ res: LightMyRequestResponse; accessToken: string | undefined }> {
  const res = await arriveAtCallback(up, await throughProvider(up, providerId));
  return { res, accessToken: cookieOf(res, "upblit-access") };
}
