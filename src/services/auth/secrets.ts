import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A random, URL-safe secret for links and refresh tokens (256 bits by default). */
export function newSecretToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * How single-use tokens, refresh tokens and API key secrets are stored. They are 256-bit random
 * values, so one SHA-256 is enough: there is nothing to guess that a slow hash would protect.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}
