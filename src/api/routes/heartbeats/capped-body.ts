import type { Readable } from "node:stream";

/** Beyond this many bytes a ping's body is not even drained: the connection is dropped. */
const HARD_CAP = 10 * 1024 * 1024;

/**
 * Reads a body keeping its first `limit` bytes as UTF-8 text (a character cut at the limit is
 * dropped) and counting the rest, which is read and thrown away.
 */
export function readCapped(stream: Readable, limit: number): Promise<{ text: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let bytes = 0;
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > HARD_CAP) {
        stream.destroy();
        reject(Object.assign(new Error("ping body too large"), { statusCode: 413 }));
        return;
      }
      if (keptBytes < limit) {
        const part = chunk.subarray(0, limit - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
    });
    stream.on("end", () => resolve({ text: utf8Prefix(Buffer.concat(kept)), bytes }));
    stream.on("error", reject);
  });
}

/** The buffer as text, without a trailing partial character. */
function utf8Prefix(buffer: Buffer): string {
  const text = buffer.toString("utf8");
  return text.endsWith("\uFFFD") && !buffer.toString("latin1").endsWith("\uFFFD") ? text.slice(0, -1) : text;
}
