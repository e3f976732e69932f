import { createHash } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** A weak validator of a representation: equal bodies (up to the nonce) have equal tags. */
export function etagOf(body: string): string {
  return `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

export type ContentCoding = "br" | "gzip" | "identity";

/**
 * Brotli quality for pages compressed once per read-model build. 11 (the maximum) took ~0.5 s on a
 * 50-component page here and gains a few percent; 6 takes a few ms. See docs/benchmarks.md.
 */
const BROTLI_QUALITY = 6;
const GZIP_LEVEL = 6;
/** Below this many bytes a compressed copy is not worth a Vary header and a second buffer. */
const MIN_COMPRESSIBLE_BYTES = 1024;

/**
 * One body of a cached response and its compressed copies, each made on first use and kept for
 * as long as the read model that made it (compressed once per build, not once per request).
 */
export class Representation {
  readonly etag: string;
  private readonly identity: Buffer;
  private readonly copies = new Map<ContentCoding, Buffer>();

  constructor(body: string) {
    this.identity = Buffer.from(body, "utf8");
    this.etag = etagOf(body);
  }

  /** Whether a compressed copy can be offered at all (small bodies go as they are). */
  get compressible(): boolean {
    return this.identity.length >= MIN_COMPRESSIBLE_BYTES;
  }

  bytes(coding: ContentCoding): Buffer {
    if (coding === "identity" || !this.compressible) return this.identity;
    let copy = this.copies.get(coding);
    if (!copy) {
      copy =
        coding === "br"
          ? brotliCompressSync(this.identity, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
                [constants.BROTLI_PARAM_SIZE_HINT]: this.identity.length,
                [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
              },
            })
          : gzipSync(this.identity, { level: GZIP_LEVEL });
      this.copies.set(coding, copy);
    }
    return copy;
  }
}

/**
 * The coding to send for an Accept-Encoding header (RFC 9110 §12.5.3): brotli, then gzip, when
 * the client accepts them with a non-zero quality (`*` counts for both); otherwise identity.
 * Quality values only exclude (q=0); among the accepted, the smaller coding wins.
 */
export function chooseCoding(header: string | string[] | undefined): ContentCoding {
  const value = Array.isArray(header) ? header.join(",") : header;
  if (!value || value.length > 1000) return "identity";
  // Clients send a handful of distinct headers: each is parsed once, not once per request.
  const known = CODINGS_SEEN.get(value);
  if (known) return known;
  const coding = parseAcceptEncoding(value);
  if (CODINGS_SEEN.size >= MAX_CODINGS_SEEN) CODINGS_SEEN.clear();
  CODINGS_SEEN.set(value, coding);
  return coding;
}

/** Accept-Encoding values already parsed, at most MAX_CODINGS_SEEN (then the memo starts over). */
const CODINGS_SEEN = new Map<string, ContentCoding>();
const MAX_CODINGS_SEEN = 64;

function parseAcceptEncoding(value: string): ContentCoding {
  const accepted = new Map<string, number>();
  for (const part of value.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (coding: string) => {
    const q = accepted.get(coding) ?? accepted.get("*");
    return q !== undefined && q > 0;
  };
  if (ok("br")) return "br";
  if (ok("gzip")) return "gzip";
  return "identity";
}
