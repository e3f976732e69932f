import { type Dispatcher, EnvHttpProxyAgent, fetch } from "undici";
import type { CheckResult } from "../../domain/check-result.ts";
import type { CheckSpec } from "../../domain/monitor.ts";

/** The protocol version this agent speaks (docs/remote-probes.md). */
export const PROTOCOL = 2;

/** The most slots one claim may ask for (the server answers 400 above it: `max` ≤ 500). */
export const MAX_CLAIM_SLOTS = 500;

export type AssignedSpec = CheckSpec & { revision: number; intervalSeconds: number };
export interface Assignments {
  revision: string;
  region: string;
  /** The region lets its probes check private-network targets. */
  allowPrivateTargets: boolean;
  /** How long the server takes offline results (its bound on checking alone). */
  offlineMaxSeconds: number;
  monitors: AssignedSpec[];
}
export interface Slot {
  monitorId: string;
  slotAt: number;
  revision: number;
}

/** The server refused the token (revoked, unknown): the agent stops. */
export class TokenRefused extends Error {}

/** The server does not speak this agent's protocol version: the agent stops and says why. */
export class ProtocolRefused extends Error {}

/**
 * The remote probe's side of the protocol: plain HTTP/1.1 requests out to the server, through the
 * proxy of `HTTPS_PROXY`/`HTTP_PROXY` (minus `NO_PROXY`) when set. Nothing else is called.
 */
export class ProbeClient {
  private readonly dispatcher: Dispatcher;
  private readonly base: string;

  constructor(
    url: string,
    private readonly token: string,
    private readonly userAgent: string,
  ) {
    this.base = url.replace(/\/+$/, "");
    // EnvHttpProxyAgent reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case); without them it
    // connects directly. HTTP/1.1 only: ordinary forward proxies speak it.
    this.dispatcher = new EnvHttpProxyAgent({ allowH2: false });
  }

  async assignments(
    etag: string | undefined,
  ): Promise<{ unchanged: true } | ({ unchanged: false } & Assignments)> {
    const res = await this.call(
      "GET",
      "/api/v1/probe/assignments",
      undefined,
      etag ? { "if-none-match": `"${etag}"` } : {},
    );
    if (res.status === 304) return { unchanged: true };
    const body = (await res.json()) as Assignments;
    return { unchanged: false, ...body, allowPrivateTargets: body.allowPrivateTargets === true };
  }

  async claim(
    max: number,
    waitSeconds: number,
    signal?: AbortSignal,
  ): Promise<{ serverTime: number; slots: Slot[] }> {
    // A probe with a large --concurrency has room for more than one claim may take: ask for the
    // most, and claim again for the rest.
    const body = { max: Math.min(max, MAX_CLAIM_SLOTS), waitSeconds };
    const res = await this.call("POST", "/api/v1/probe/claims", body, {}, signal);
    return (await res.json()) as { serverTime: number; slots: Slot[] };
  }

  async results(
    results: CheckResult[],
  ): Promise<{ accepted: number; refused: Array<{ index: number; reason: string }> }> {
    const body = results.map(({ organizationId: _o, manual: _m, ...rest }) => rest);
    const res = await this.call("POST", "/api/v1/probe/results", { results: body });
    return (await res.json()) as { accepted: number; refused: Array<{ index: number; reason: string }> };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async call(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<Awaited<ReturnType<typeof fetch>>> {
    const res = await fetch(this.base + path, {
      method,
      signal,
      dispatcher: this.dispatcher,
      headers: {
        authorization: `Bearer ${this.token}`,
        "user-agent": this.userAgent,
        "upblit-probe-protocol": String(PROTOCOL),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401) {
      await res.body?.cancel();
      throw new TokenRefused("the server refused the probe token (revoked or unknown)");
    }
    if (res.status >= 400) {
      const text = await res.text();
      if (res.status === 400 && text.includes("headers.upblit-probe-protocol")) {
        let detail = text;
        try {
          detail = String((JSON.parse(text) as { detail?: string }).detail ?? text);
        } catch {
          // Not a problem document: say what came.
        }
        throw new ProtocolRefused(`the server refused probe protocol ${PROTOCOL}: ${detail.slice(0, 300)}`);
      }
      throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    }
    return res;
  }
}
