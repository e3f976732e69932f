import { randomFillSync } from "node:crypto";

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
  | "prb"
  | "prc"
  | "prt";

/** The 80 random bits as two 40-bit halves: plain numbers (exact below 2^53), no BigInt per id. */
const HALF = 2 ** 40;
let lastTime = 0;
let randomHigh = 0;
let randomLow = 0;
/** The encoded time and high random half, which change only when a new millisecond starts. */
let head = "";

/** Random bytes drawn from the system 4 KiB at a time: one system call serves 400 ids. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomHalf(): number {
  if (poolOffset + 5 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const value = pool.readUIntBE(poolOffset, 5);
  poolOffset += 5;
  return value;
}

/** `value` (below 32^chars) as `chars` base32 characters, most significant first. */
function encode(value: number, chars: number): string {
  let out = "";
  let v = value;
  for (let i = 0; i < chars; i++) {
    out = ALPHABET[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out;
}

/**
 * Prefixed, time-ordered, random ids (`mon_01h…`): 48 bits of milliseconds then 80 random bits,
 * like a ULID. Within one millisecond the random part counts up, so sorting ids sorts by creation
 * order in this process, which keyset pagination relies on.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  if (now <= lastTime && randomHigh < HALF - 1) {
    randomLow += 1;
    if (randomLow === HALF) {
      randomLow = 0;
      randomHigh += 1;
      head = encode(lastTime, 10) + encode(randomHigh, 8);
    }
  } else {
    lastTime = Math.max(now, lastTime);
    randomHigh = Math.floor(randomHalf() / 2); // leave room to count up
    randomLow = randomHalf();
    head = encode(lastTime, 10) + encode(randomHigh, 8);
  }
  return `${prefix}_${head}${encode(randomLow, 8)}`;
}
