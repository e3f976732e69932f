/**
 * The shape of the outbound HTTP client of notification channels. The real one (SSRF-safe, no
 * redirects) is made by src/notify/outbound.ts; a channel preview passes one that records instead.
 * Here so that services can hand one in without importing the notifier.
 */

export interface OutboundResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** At most 64 KiB of the body, as text. */
  body: string;
}

/** Outbound HTTP for notification channels; the probe's connector vets every address it dials. */
export interface Outbound {
  request(
    url: string,
    init: {
      method?: "POST" | "PUT" | "GET";
      headers?: Record<string, string>;
      body?: string;
      timeoutMs: number;
    },
  ): Promise<OutboundResponse>;
}
