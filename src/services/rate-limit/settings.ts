/** At most `limit` events per key within a fixed window of `seconds` that starts with the first. */
export interface Window {
  limit: number;
  seconds: number;
}

/** Failed attempts allowed to one key (an account or an IP) before back-off starts. */
export interface FailureAllowance {
  /** Failures that cost nothing. */
  free: number;
  /** Failures are forgotten after this much quiet time (time spent in back-off is not quiet). */
  memorySeconds: number;
}

/** Every rate limit of the API, in one place; docs/rate-limits.md explains each. */
export interface RateLimitSettings {
  /** Prefix of every key in the store, so deployments (or test runs) can share one Redis. */
  keyPrefix: string;
  /** Routes with `config.rateLimit: "credentials"`: sign-in, setup, tokens from links, codes. */
  credentials: {
    account: FailureAllowance;
    ip: FailureAllowance;
    /** The first back-off; each further failure doubles it, up to `backoffMaxSeconds`. Whole seconds. */
    backoffFirstSeconds: number;
    backoffMaxSeconds: number;
    /**
     * Beyond the allowance only one attempt per key runs at a time; a process that dies mid-request
     * releases that slot after this long.
     */
    attemptSlotSeconds: number;
    /** Requests per IP whatever their outcome. */
    requestsPerIp: Window;
  };
  /** Routes with `config.rateLimit: "mail"`: requests that send mail and always answer the same. */
  mail: { perEmail: Window; perIp: Window };
  /** Every authenticated request. */
  api: { perKey: Window; perUser: Window };
  /** Checks run on demand without saving (`POST /monitors/test`), per organization; absent: 30 a minute. */
  monitorTests?: { perOrg: Window };
  /** Requests per IP to the public status routes; absent: the default (src/status/rate-limit.ts). */
  status?: { perIp: Window };
  /** Routes with `config.rateLimit: "public"` (prove nothing, e.g. GET /api/v1/setup); absent: PUBLIC_PER_IP. */
  public?: { perIp: Window };
}

/** Requests per IP to `public` routes unless the settings say otherwise. */
export const PUBLIC_PER_IP: Window = { limit: 120, seconds: 60 };

export const RATE_LIMITS: RateLimitSettings = {
  keyPrefix: "upblit:rl",
  credentials: {
    account: { free: 5, memorySeconds: 60 * 60 },
    ip: { free: 20, memorySeconds: 15 * 60 },
    backoffFirstSeconds: 1,
    backoffMaxSeconds: 15 * 60,
    attemptSlotSeconds: 30,
    requestsPerIp: { limit: 60, seconds: 60 },
  },
  mail: {
    perEmail: { limit: 5, seconds: 60 * 60 },
    perIp: { limit: 20, seconds: 60 * 60 },
  },
  api: {
    perKey: { limit: 600, seconds: 60 },
    perUser: { limit: 1_200, seconds: 60 },
  },
};

/** Test checks per organization when the settings name none. */
export const MONITOR_TESTS_PER_ORG: Window = { limit: 30, seconds: 60 };

/** The default settings with the per-minute API limits from the configuration. */
export function withApiLimits(perMinute: { perKey: number; perUser: number }): RateLimitSettings {
  return {
    ...RATE_LIMITS,
    api: {
      perKey: { limit: perMinute.perKey, seconds: 60 },
      perUser: { limit: perMinute.perUser, seconds: 60 },
    },
  };
}

/**
 * Back-off after the `excess`-th failure beyond the free allowance: first, 2×first, 4×first…,
 * capped. Whole seconds of at least 1, because Redis expiries are whole seconds and 0 means never.
 */
export function backoffSeconds(settings: RateLimitSettings["credentials"], excess: number): number {
  const first = Math.max(1, Math.round(settings.backoffFirstSeconds));
  const grown = first * 2 ** Math.min(Math.max(0, excess - 1), 30);
  return Math.max(1, Math.min(grown, Math.round(settings.backoffMaxSeconds)));
}
