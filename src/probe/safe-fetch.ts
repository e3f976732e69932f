import { Client, type RequestInit, fetch as undiciFetch } from "undici";
import { createSafeConnector, endClient } from "./safe-connector.ts";

/** The request shape openid-client hands its custom fetch (a subset of RequestInit). */
export interface SafeFetchInit {
  method: string;
  headers: Record<string, string>;
  /** What openid-client sends: form bodies (URLSearchParams) or nothing. */
  body?: unknown;
  signal?: AbortSignal;
}

export type SafeFetch = (url: string, init: SafeFetchInit) => Promise<Response>;

/** Larger answers (a discovery document, a key set, a token response) are refused. */
const MAX_BODY = 1024 * 1024;
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch for talking to identity providers (single sign-on) with the same target safety as
 * probes and channels: every connection goes through the SSRF-safe connector (loopback and
 * private addresses only with ALLOW_PRIVATE_TARGETS, cloud metadata never), redirects are never
 * followed, one deadline covers the exchange and the body is read whole (at most 1 MiB).
 */
export function createSafeFetch(options: {
  allowPrivate: boolean;
  timeoutMs: number;
  userAgent: string;
}): SafeFetch {
  return async (raw, init) => {
    const url = new URL(raw);
    if (url.protocol !== "https:" && url.protocol !== "http:")
      throw new Error(`refused scheme ${url.protocol}`);
    if (url.username || url.password) throw new Error("credentials in the URL are refused");
    const signals = [AbortSignal.timeout(options.timeoutMs)];
    if (init.signal) signals.push(init.signal);
    const signal = AbortSignal.any(signals);
    const client = new Client(url.origin, {
      connect: createSafeConnector({
        url,
        allowPrivate: options.allowPrivate,
        verifyTls: true,
        signal,
        record: {},
      }),
      // One request, then endClient. With pipelining 0 undici itself destroys the socket after the
      // answer with a fresh InformationalError, whose stack Node formats (~7 % of a busy notifier).
      pipelining: 1,
    });
    try {
      const res = await undiciFetch(url, {
        method: init.method,
        headers: { "user-agent": options.userAgent, ...init.headers },
        body: (init.body ?? undefined) as RequestInit["body"],
        redirect: "manual",
        signal,
        dispatcher: client,
      });
      const body = await readBounded(res.body);
      // The global Response, which is what openid-client checks for.
      return new Response(NULL_BODY_STATUSES.has(res.status) ? null : body, {
        status: res.status,
        statusText: res.statusText,
        headers: [...res.headers],
      });
    } finally {
      await endClient(client);
    }
  };
}

async function readBounded(body: AsyncIterable<Uint8Array> | null): Promise<ArrayBuffer> {
  if (!body) return new ArrayBuffer(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > MAX_BODY) throw new Error("the answer is larger than 1 MiB");
    chunks.push(chunk);
  }
  const all = Buffer.concat(chunks);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
}
