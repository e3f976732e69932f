import { randomBytes } from "node:crypto";

/** Crockford base32: no I, L, O, U, so ids read aloud and copy well. */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix = "org" | "mon" | "chk" | "evt" | "inc" | "req" | "ntf";

/**
 * Prefixed, time-ordered, random ids (`mon_01h…`): 48 bits of milliseconds then 80 random bits,
 * like a ULID. Sorting ids sorts by creation time, which keyset pagination relies on.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = "";
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return `${prefix}_${time}${rand}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && /^[a-z]+_[0-9a-z]{26}$/.test(id);
}
