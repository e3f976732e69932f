import { promises as dns } from "node:dns";
import { Client } from "undici";
import type { Outbound, OutboundResponse } from "../lib/outbound.ts";
import { BLOCKED_MESSAGE, ProbeFailure } from "../probe/probe-error.ts";
import { createSafeConnector, endClient } from "../probe/safe-connector.ts";
import { type LookupFn, resolveSafe } from "../probe/target-safety.ts";

export type { Outbound, OutboundResponse };

const MAX_BODY = 64 * 1024;

/**
 * One fresh connection per request through the SSRF-safe connector (loopback, private and
 * metadata addresses refused unless allowed; cloud metadata always), redirects never followed
 * (a 3xx is an answer the channel judges), one deadline for the whole exchange.
 */
export function createOutbound(options: { allowPrivate: boolean; userAgent: string }): Outbound {
  return {
    async request(raw, init) {
      const url = new URL(raw);
      if (url.protocol !== "https:" && url.protocol !== "http:")
        throw new Error(`refused scheme ${url.protocol}`);
      if (url.username || url.password) throw new Error("credentials in the URL are refused");
      const abort = new AbortController();
      const timer = setTimeout(
        () => abort.abort(new Error(`no answer within ${init.timeoutMs} ms`)),
        init.timeoutMs,
      );
      const client = new Client(url.origin, {
        connect: createSafeConnector({
          url,
          allowPrivate: options.allowPrivate,
          verifyTls: true,
          signal: abort.signal,
          record: {},
        }),
        // One request, then endClient. With pipelining 0 undici itself destroys the socket after the
        // answer with a fresh InformationalError, whose stack Node formats (~7 % of a busy notifier).
        pipelining: 1,
      });
      try {
        const res = await client.request({
          path: `${url.pathname}${url.search}`,
          method: init.method ?? "POST",
          headers: { "user-agent": options.userAgent, ...init.headers },
          body: init.body,
          signal: abort.signal,
        });
        let body = "";
        for await (const chunk of res.body) {
          if (body.length < MAX_BODY) body += String(chunk);
        }
        return { statusCode: res.statusCode, headers: res.headers, body: body.slice(0, MAX_BODY) };
      } finally {
        clearTimeout(timer);
        await endClient(client);
      }
    },
  };
}

/** How long a check when saved waits for DNS before letting the name through to the send-time check. */
const SAVE_LOOKUP_MS = 3_000;

/**
 * Checks an address a channel will connect to when it is saved, with the rules every connection
 * follows (the same resolution and address classes as the SSRF-safe connector). Answers why it
 * is refused (the one message every refusal reads), or null: an IP literal, a metadata name, or a
 * name resolving to an address that is not allowed is refused. A name that does not resolve now
 * is let through: it is checked again, as every address is, at each connection.
 */
export async function outboundRefusal(raw: string, allowPrivate: boolean): Promise<string | null> {
  if (!URL.canParse(raw)) return null; // not a URL: the settings' own schema reports it
  try {
    await resolveSafe(new URL(raw).hostname, allowPrivate, boundedLookup);
    return null;
  } catch (err) {
    return err instanceof ProbeFailure && err.kind === "blocked" ? BLOCKED_MESSAGE : null;
  }
}

const boundedLookup: LookupFn = (hostname) => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("lookup took too long")), SAVE_LOOKUP_MS);
  });
  return Promise.race([dns.lookup(hostname, { all: true, verbatim: true }), deadline]).finally(() =>
    clearTimeout(timer),
  );
};

/**
 * The usual judgement of an HTTP answer: 2xx ok; 429 and 5xx retry, after the receiver's
 * `Retry-After` (seconds or an HTTP date) when it sent one; 410 disable; 3xx and other 4xx fail.
 */
export function judgeHttp(res: OutboundResponse): import("../domain/alert-message.ts").SendOutcome {
  const s = res.statusCode;
  if (s >= 200 && s < 300) return { ok: true, statusCode: s };
  const error = `HTTP ${s}${res.body ? `: ${res.body.slice(0, 200)}` : ""}`;
  if (s === 410) return { ok: false, retryable: false, statusCode: s, error, disable: true };
  if (s === 429 || s >= 500)
    return { ok: false, retryable: true, statusCode: s, error, retryAfterMs: retryAfterMs(res) };
  return { ok: false, retryable: false, statusCode: s, error };
}

/** `Retry-After` as milliseconds from now: a number of seconds, or an HTTP date. */
export function retryAfterMs(res: OutboundResponse, nowMs = Date.now()): number | undefined {
  const raw = res.headers["retry-after"];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - nowMs;
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/** A thrown request (DNS, refused address, reset, timeout) as an outcome: retryable. */
export function networkFailure(err: unknown): import("../domain/alert-message.ts").SendOutcome {
  return { ok: false, retryable: true, error: err instanceof Error ? err.message : String(err) };
}
