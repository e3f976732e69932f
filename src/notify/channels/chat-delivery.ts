/**
 * The one request every chat, paging and push adapter makes: a serialised JSON body to the
 * service, the answer judged by the adapter, thrown errors turned into a retryable outcome.
 * Never throws.
 */
import { judgeHttp, networkFailure, type OutboundResponse } from "../outbound.ts";
import type { SendContext, SendOutcome } from "./types.ts";

export interface JsonRequest {
  method?: "POST" | "PUT";
  /** Extra headers (e.g. `authorization`); `content-type` is always JSON. */
  headers?: Record<string, string>;
  /** How to read the answer; the usual HTTP judgement by default. */
  judge?: (res: OutboundResponse) => SendOutcome;
}

/**
 * Sends `body` as JSON to `url` within the context's deadline and returns the judged outcome.
 * The URL may carry a token (webhook URLs), so it never appears in the outcome.
 */
export async function sendJson(
  ctx: SendContext<unknown, unknown>,
  url: string,
  body: unknown,
  request: JsonRequest = {},
): Promise<SendOutcome> {
  try {
    const res = await ctx.http.request(url, {
      method: request.method ?? "POST",
      headers: { "content-type": "application/json", ...request.headers },
      body: JSON.stringify(body),
      timeoutMs: ctx.timeoutMs,
    });
    return (request.judge ?? judgeHttp)(res);
  } catch (err) {
    return networkFailure(err);
  }
}
