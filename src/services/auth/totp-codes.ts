import { randomInt, timingSafeEqual } from "node:crypto";
import { HOTP, Secret, TOTP } from "otpauth";
import { hashToken } from "./secrets.ts";

/**
 * The arithmetic of the second factor, without storage: RFC 6238 codes with the authenticator
 * apps' defaults (SHA-1, 6 digits, 30-second steps) and the format of recovery codes.
 */
const TOTP_PARAMS = { algorithm: "SHA1", digits: 6 } as const;
export const TOTP_PERIOD_SECONDS = 30;
/** Steps either side of now that still count: a phone clock a little off still works. */
const TOTP_WINDOW = 1;

export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32: no i, l, o or u, so a code read off paper cannot be mistyped into another. */
const RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_CANONICAL = /^[0-9a-hjkmnp-tv-z]{10}$/;

/** A fresh 160-bit TOTP secret (RFC 4226 recommends 160 bits), in base32 as apps expect it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://` URI a QR code carries: issuer "Upblit", the account's email as label. */
export function totpUri(secretBase32: string, email: string): string {
  return new TOTP({
    issuer: "Upblit",
    label: email,
    secret: Secret.fromBase32(secretBase32),
    period: TOTP_PERIOD_SECONDS,
    ...TOTP_PARAMS,
  }).toString();
}

/** The RFC 6238 time step (counter) at `nowMs`. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The earliest time step within ±1 of now, and after `lastStep`, whose code is `code`; undefined
 * when none. Steps at or before the last accepted one are skipped: each code works once.
 */
export function matchingStep(
  secretBase32: string,
  code: string,
  nowMs: number,
  lastStep: number | null,
): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const secret = Secret.fromBase32(secretBase32);
  const now = totpStep(nowMs);
  let found: number | undefined;
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step++) {
    const expected = HOTP.generate({ secret, counter: step, ...TOTP_PARAMS });
    // Compare every candidate in constant time, so the time taken says nothing about the code.
    const same = timingSafeEqual(Buffer.from(expected), Buffer.from(code));
    if (same && found === undefined && (lastStep === null || step > lastStep)) found = step;
  }
  return found;
}

/** Ten random recovery codes shaped `xxxxx-xxxxx` (50 bits each), with the hashes to store. */
export function newRecoveryCodes(userId: string): Array<{ code: string; hash: string }> {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(32)]).join("");
    return { code: `${chars.slice(0, 5)}-${chars.slice(5)}`, hash: hashCanonical(userId, chars) };
  });
}

/**
 * How a typed recovery code is looked up. Case, spaces, dashes and the look-alikes o/i/l are
 * forgiven. Undefined when the input cannot be a recovery code.
 */
export function recoveryCodeHash(userId: string, input: string): string | undefined {
  const canonical = input.toLowerCase().replace(/[\s-]/g, "").replace(/o/g, "0").replace(/[il]/g, "1");
  return RECOVERY_CANONICAL.test(canonical) ? hashCanonical(userId, canonical) : undefined;
}

/**
 * SHA-256 of the user id and the canonical code: a code is bound to its account, and equal codes
 * of two accounts do not share a hash.
 */
function hashCanonical(userId: string, canonical: string): string {
  return hashToken(`${userId}:${canonical}`);
}
