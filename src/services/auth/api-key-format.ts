import { randomInt } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * API key tokens: `upb_` + 30 random base62 characters + a 6-character base62 CRC32 of them,
 * 40 characters in all. Secret scanners match the prefix; the checksum lets anyone (our API
 * first) tell a mistyped or made-up key from a real one without a database lookup.
 */
export const KEY_PREFIX = "upb_";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_CHARS = 30;
const CHECKSUM_CHARS = 6;
/** Characters of the token (prefix included) kept in clear to find its row and to show in lists. */
const LOOKUP_CHARS = KEY_PREFIX.length + 8;
const SHAPE = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${RANDOM_CHARS + CHECKSUM_CHARS}}$`);

function checksum(random: string): string {
  let n = crc32(random);
  let out = "";
  for (let i = 0; i < CHECKSUM_CHARS; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function generateApiKey(): { token: string; lookup: string } {
  let random = "";
  for (let i = 0; i < RANDOM_CHARS; i++) random += BASE62[randomInt(62)];
  const token = KEY_PREFIX + random + checksum(random);
  return { token, lookup: token.slice(0, LOOKUP_CHARS) };
}

/** The lookup part of a well-formed key with a valid checksum; undefined otherwise. */
export function parseApiKey(token: string): { lookup: string } | undefined {
  if (!SHAPE.test(token)) return undefined;
  const random = token.slice(KEY_PREFIX.length, KEY_PREFIX.length + RANDOM_CHARS);
  if (checksum(random) !== token.slice(KEY_PREFIX.length + RANDOM_CHARS)) return undefined;
  return { lookup: token.slice(0, LOOKUP_CHARS) };
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(KEY_PREFIX) && !looksLikeProbeToken(token);
}

/**
 * Probe tokens (docs/remote-probes.md): `upb_probe_` + the same 30 random characters and checksum.
 * They carry `probe:region` only; the prefix tells the auth plugin which table to look in.
 */
export const PROBE_TOKEN_PREFIX = `${KEY_PREFIX}probe_`;
const PROBE_SHAPE = new RegExp(`^${PROBE_TOKEN_PREFIX}[0-9A-Za-z]{${RANDOM_CHARS + CHECKSUM_CHARS}}$`);

export function generateProbeToken(): { token: string; lookup: string } {
  let random = "";
  for (let i = 0; i < RANDOM_CHARS; i++) random += BASE62[randomInt(62)];
  const token = PROBE_TOKEN_PREFIX + random + checksum(random);
  return { token, lookup: token.slice(0, PROBE_TOKEN_PREFIX.length + 8) };
}

export function parseProbeToken(token: string): { lookup: string } | undefined {
  if (!PROBE_SHAPE.test(token)) return undefined;
  const random = token.slice(PROBE_TOKEN_PREFIX.length, PROBE_TOKEN_PREFIX.length + RANDOM_CHARS);
  if (checksum(random) !== token.slice(PROBE_TOKEN_PREFIX.length + RANDOM_CHARS)) return undefined;
  return { lookup: token.slice(0, PROBE_TOKEN_PREFIX.length + 8) };
}

export function looksLikeProbeToken(token: string): boolean {
  return token.startsWith(PROBE_TOKEN_PREFIX);
}

/**
 * Anything shaped like an API key (the prefix, its underscore possibly percent-encoded, then
 * base62 characters), for masking text that goes to logs: a key pasted into a URL path must not
 * be written down (probe tokens, `upb_probe_…`, too). Broader than a valid key on purpose: a mistyped key is still mostly a secret.
 */
const KEY_IN_TEXT = /upb(?:_|%5[fF])(?:probe(?:_|%5[fF]))?[0-9A-Za-z]+/g;

export function maskApiKeys(text: string): string {
  return text.replace(KEY_IN_TEXT, `${KEY_PREFIX}…`);
}
