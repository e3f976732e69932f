import { randomBytes } from "node:crypto";

/** Crockford base32: no I, L, O, U, so ids read aloud and copy well. */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix =
  | "org"
  | "mon"
  | "chk"
  | "evt"
  | "inc"
  | "req"
  | "ntf"
  | "usr"
  | "ses"
  | "key"
  | "inv"
  | "aud"
  | "chn"
  | "rul"
  | "att"
  | "page"
  | "grp"
  | "mnt"
  | "drl"
  | "spi"
  | "spu"
  | "sub"
  | "spn"
  | "swh"
  | "png"
  | "act"
  | "sso"
  | "prb";

const RANDOM_BITS = 80n;
let lastTime = 0;
let lastRandom = 0n;

function encode(value: bigint, chars: number): string {
  let out = "";
  let v = value;
  for (let i = 0; i < chars; i++) {
    out = ALPHABET[Number(v & 31n)] + out;
    v >>= 5n;
  }
  return out;
}

/**
 * Prefixed, time-ordered, random ids (`mon_01h…`): 48 bits of milliseconds then 80 random bits,
 * like a ULID. Within one millisecond the random part counts up, so sorting ids sorts by creation
 * order in this process, which keyset pagination relies on.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  if (now <= lastTime && lastRandom < (1n << RANDOM_BITS) - 1n) {
    lastRandom += 1n;
  } else {
    lastTime = Math.max(now, lastTime);
    lastRandom = BigInt(`0x${randomBytes(10).toString("hex")}`) >> 1n; // leave room to count up
  }
  return `${prefix}_${encode(BigInt(lastTime), 10)}${encode(lastRandom, 16)}`;
}
