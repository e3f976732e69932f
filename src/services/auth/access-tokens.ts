import { errors, jwtVerify, SignJWT } from "jose";
import { AppError } from "../../lib/errors.ts";

/** Access tokens live 15 minutes; the refresh token brings a new one. */
export const ACCESS_TTL_SECONDS = 15 * 60;
/** Between password and second factor: 5 minutes to type the code. */
export const MFA_TTL_SECONDS = 5 * 60;

const ISSUER = "upblit";
const ALGORITHM = "HS256";
/** One audience per kind of token, so one kind is never accepted as another. */
const AUDIENCE = { access: "upblit:access", mfa: "upblit:mfa" } as const;
type Kind = keyof typeof AUDIENCE;

export interface TokenClaims {
  /** The user id. */
  sub: string;
  /** The session (refresh family) for access tokens; a fresh nonce for MFA tokens. */
  sid: string;
}

export async function signToken(
  key: Uint8Array,
  kind: Kind,
  claims: TokenClaims,
  nowMs: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE[kind])
    .setIssuedAt(iat)
    .setExpirationTime(iat + (kind === "access" ? ACCESS_TTL_SECONDS : MFA_TTL_SECONDS))
    .sign(key);
}

/**
 * Verifies signature, algorithm (HS256 only: `none` and every other algorithm are refused before
 * the signature is looked at), issuer, audience and expiry. Any failure is one 401.
 */
export async function verifyToken(
  key: Uint8Array,
  kind: Kind,
  token: string,
  nowMs: number,
): Promise<TokenClaims> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE[kind],
      currentDate: new Date(nowMs),
      requiredClaims: ["sub", "sid", "exp", "iat"],
    });
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string") throw new Error("bad claims");
    return { sub: payload.sub, sid: payload.sid };
  } catch (err) {
    const expired = err instanceof errors.JWTExpired;
    throw new AppError("UNAUTHENTICATED", expired ? "The token has expired" : "The token is not valid");
  }
}
