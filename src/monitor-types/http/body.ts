import { pipeline, type Readable, type Transform } from "node:stream";
import { constants, createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

export interface BodyText {
  text: string;
  truncated: boolean;
}

/**
 * Reads the body as text, decompressed, and cut at `maxBytes` of decompressed output so a small
 * compressed bomb cannot grow past the cap. Unknown encodings are read as they came.
 */
export async function readBodyText(
  body: Readable,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<BodyText> {
  const decoders = createDecoders(contentEncoding);
  // pipeline propagates errors and destroys every stage; the last decoder is what we read.
  if (decoders.length > 0) pipeline([body, ...decoders], () => {});
  const source: Readable = decoders.at(-1) ?? body;
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of source) {
      const buf = toBuffer(chunk);
      const room = maxBytes - size;
      if (buf.length > room) {
        chunks.push(buf.subarray(0, room));
        size += room;
        truncated = true;
        break;
      }
      chunks.push(buf);
      size += buf.length;
    }
  } finally {
    source.destroy();
    body.destroy();
  }
  return { text: new TextDecoder().decode(Buffer.concat(chunks)), truncated };
}

/** Reads and throws away up to `maxBytes`, so `total` covers the transfer without unbounded downloads. */
export async function drainBody(body: Readable, maxBytes: number): Promise<void> {
  let size = 0;
  try {
    for await (const chunk of body) {
      size += toBuffer(chunk).length;
      if (size > maxBytes) break;
    }
  } finally {
    body.destroy();
  }
}

/** Decoders in the order to apply them (the reverse of the order the server applied them). */
function createDecoders(contentEncoding: string | undefined): Transform[] {
  const codings = (contentEncoding ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  const decoders: Transform[] = [];
  for (const coding of codings.reverse()) {
    const decoder = createDecoder(coding);
    if (!decoder) return [];
    decoders.push(decoder);
  }
  return decoders;
}

// Sync flush at the end, like browsers: a body cut short still yields what was decoded.
const ZLIB_LENIENT = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };

function createDecoder(coding: string): Transform | undefined {
  if (coding === "gzip" || coding === "x-gzip") return createGunzip(ZLIB_LENIENT);
  if (coding === "deflate") return createInflate(ZLIB_LENIENT);
  if (coding === "br") {
    return createBrotliDecompress({
      flush: constants.BROTLI_OPERATION_FLUSH,
      finishFlush: constants.BROTLI_OPERATION_FLUSH,
    });
  }
  return undefined;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk);
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.alloc(0);
}
