import type { FastifyRequest } from "fastify";
import type { Observation } from "../domain/check-result.ts";
import type { CheckSpec } from "../domain/monitor.ts";
import type { ChannelAdapter } from "../notify/channels/types.ts";
import type { SendToChannel } from "../services/alerts/channel-send.ts";
import type { Ctx, Runtime, UserCtx } from "../services/context.ts";
import type { UpblitMetrics } from "../services/metrics/metrics.ts";
import type { RateLimits } from "../services/rate-limit/limiter.ts";
import type { SsoDeps } from "../services/sso/oidc.ts";

export interface ApiDeps {
  rt: Runtime;
  limits: { minIntervalSeconds: number; bodyLimitBytes: number };
  /** Take client addresses from X-Forwarded-For (behind a reverse proxy). */
  trustProxy: boolean;
  auth: { publicUrl: string; secureCookies: boolean; sessionMaxDays: number };
  isReady: () => Promise<boolean>;
  /** A process running the probe role: its region and whether its presence beat is recent. */
  probeStatus?: () => { region: string; live: boolean; lastBeatAt: string | null };
  /**
   * Channel adapters (their settings' schemas), the one way to send (test-sends and previews), and
   * `allowPrivate` for the address checks when a channel is saved.
   */
  notify: {
    adapters: ReadonlyMap<string, ChannelAdapter>;
    timeoutMs: number;
    send: SendToChannel;
    allowPrivate: boolean;
  };
  /**
   * Runs one check in this process and reports what it saw (the probe role's probe and options,
   * target safety included): for checks of a definition that is not saved.
   */
  runCheck: (spec: CheckSpec) => Promise<Observation>;
  /** Single sign-on: the SSRF-safe fetch for identity providers (issuer, JWKS, token, userinfo). */
  sso: SsoDeps;
  /** Counters for login back-off, mail caps and per-key limits (Redis or memory). */
  rateLimits: RateLimits;
  /** /metrics: the registry, and the operator's bearer token (METRICS_TOKEN) if set. */
  metrics?: { registry: UpblitMetrics; token: string | undefined };
  /** Remote probes: when a claimed slot without a result is recorded unknown (default 60 s). */
  probes?: { lostCheckGraceMs: number };
  /** The built dashboard's folder; undefined: web/dist in the package folder. */
  webRoot?: string;
  /**
   * What this server has for types that need something (define.ts `needs`): without a browser,
   * browser monitors are refused (422 at `type`) and GET /monitor-types marks them unavailable.
   * Undefined: everything is there.
   */
  capabilities?: { browser: boolean };
}

/** The organization context the auth hook resolved for a `{ permission }` route. */
export function ctxFor(_deps: ApiDeps, request: FastifyRequest): Ctx {
  if (!request.orgCtx) throw new Error(`route ${request.routeOptions.url} has no organization context`);
  return request.orgCtx;
}

/** The signed-in person the auth hook resolved for a `user` route. */
export function userCtxFor(request: FastifyRequest): UserCtx {
  if (!request.userCtx) throw new Error(`route ${request.routeOptions.url} has no user context`);
  return request.userCtx;
}
