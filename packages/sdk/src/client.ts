import { OPERATIONS } from "./operations.ts";
import { UpblitProblem } from "./problem.ts";
import { type LiveEvent, type LiveEventsOptions, liveEvents } from "./sse.ts";
import type { Input, Item, OperationId, Operations, PagedOperationId, Result } from "./types.ts";

export interface UpblitOptions {
  /**
   * The server's origin, e.g. `https://upblit.example.com` (its PUBLIC_URL); `""` in a page served
   * by that server (the dashboard): requests then go to relative URLs (`/api/v1/…`) of the page.
   */
  baseUrl: string;
  /** An API key (`upb_…`) or a person's access token, sent as `Authorization: Bearer`. */
  token?: string;
  /** Browsers on the dashboard's origin: send cookies, and this CSRF token on unsafe methods. */
  csrfToken?: () => string | undefined;
  /** Retries of 429 and 503 answers (default 3), waiting `Retry-After` (at most `maxRetryDelayMs`). */
  retries?: number;
  maxRetryDelayMs?: number;
  /**
   * Another fetch (tests, proxies, a browser session that refreshes its token); the global one by
   * default. It is called as `fetch(url, init)`, with a relative `url` when `baseUrl` is `""`.
   */
  fetch?: typeof fetch;
}

type Raw = {
  method: string;
  path: string;
  pathParams?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  idempotencyKey?: string | false;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

/**
 * A client of one Upblit server. `op.<operationId>(input)` calls any operation with its types;
 * `pages`/`items` walk cursor pages; `events()` follows the live stream. Failed calls throw
 * `UpblitProblem`; 429 and 503 are retried after `Retry-After`; POSTs carry an Idempotency-Key
 * (the same one on every retry), so a retried create never creates twice.
 */
export class Upblit {
  readonly op: Operations;
  readonly #options: Required<Pick<UpblitOptions, "retries" | "maxRetryDelayMs">> & UpblitOptions;

  constructor(options: UpblitOptions) {
    this.#options = { retries: 3, maxRetryDelayMs: 60_000, ...options };
    this.#options.baseUrl = options.baseUrl.replace(/\/+$/, "");
    const op: Record<string, (input?: Input<OperationId>) => Promise<unknown>> = {};
    for (const id of Object.keys(OPERATIONS) as OperationId[]) {
      op[id] = (input) => this.call(id, input as Input<typeof id>);
    }
    this.op = op as unknown as Operations;
  }

  /** Calls one operation by its operationId. */
  call<K extends OperationId>(id: K, input?: Input<K>): Promise<Result<K>> {
    const { method, path } = OPERATIONS[id];
    return this.request({
      method,
      path,
      pathParams: input?.path as Record<string, unknown> | undefined,
      query: input?.query as Record<string, unknown> | undefined,
      body: input?.body,
      idempotencyKey: input?.idempotencyKey,
      headers: input?.headers,
      signal: input?.signal,
    }) as Promise<Result<K>>;
  }

  /** Every page of a list, following `nextCursor` until it is null. */
  async *pages<K extends PagedOperationId>(id: K, input?: Input<K>): AsyncGenerator<Result<K>> {
    let cursor: string | null | undefined = (input?.query as { cursor?: string } | undefined)?.cursor;
    do {
      const query = { ...(input?.query as object | undefined), ...(cursor ? { cursor } : {}) };
      const page = (await this.call(id, { ...input, query } as Input<K>)) as Result<K> & {
        nextCursor: string | null;
      };
      yield page;
      cursor = page.nextCursor;
    } while (cursor);
  }

  /** Every item of a list, across pages: `for await (const m of client.items("listMonitors"))`. */
  async *items<K extends PagedOperationId>(id: K, input?: Input<K>): AsyncGenerator<Item<K>> {
    for await (const page of this.pages(id, input)) {
      yield* (page as unknown as { items: Item<K>[] }).items;
    }
  }

  /** The organization's live events; reconnects (with `Last-Event-ID`) until `signal` aborts. */
  events(options: LiveEventsOptions = {}): AsyncGenerator<LiveEvent> {
    return liveEvents(
      {
        url: `${this.#options.baseUrl}/api/v1/events`,
        headers: () => this.#authHeaders("GET"),
        fetch: this.#fetch,
        credentials: this.#options.csrfToken ? "include" : "same-origin",
      },
      options,
    );
  }

  /** One HTTP request with the client's credentials, retries and problem handling. */
  async request(raw: Raw): Promise<unknown> {
    const url = this.#url(raw);
    const headers: Record<string, string> = {
      accept: "application/json, application/problem+json",
      ...this.#authHeaders(raw.method),
      ...raw.headers,
    };
    if (raw.body !== undefined) headers["content-type"] = "application/json";
    if (raw.method === "POST" && raw.idempotencyKey !== false) {
      headers["idempotency-key"] = raw.idempotencyKey ?? globalThis.crypto.randomUUID();
    }
    for (let attempt = 0; ; attempt++) {
      const res = await this.#fetch(url, {
        method: raw.method,
        headers,
        body: raw.body === undefined ? undefined : JSON.stringify(raw.body),
        signal: raw.signal,
        credentials: this.#options.csrfToken ? "include" : "same-origin",
      });
      if ((res.status === 429 || res.status === 503) && attempt < this.#options.retries) {
        await res.body?.cancel();
        await sleep(retryDelay(res, attempt, this.#options.maxRetryDelayMs), raw.signal);
        continue;
      }
      if (!res.ok) throw await UpblitProblem.from(res);
      if (res.status === 204) return undefined;
      const type = res.headers.get("content-type") ?? "";
      return type.includes("json") ? res.json() : res.text();
    }
  }

  get #fetch(): typeof fetch {
    return this.#options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  #authHeaders(method: string): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.#options.token) headers.authorization = `Bearer ${this.#options.token}`;
    const csrf = method !== "GET" && method !== "HEAD" ? this.#options.csrfToken?.() : undefined;
    if (csrf) headers["x-csrf-token"] = csrf;
    return headers;
  }

  #url(raw: Raw): string {
    const path = raw.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = raw.pathParams?.[name];
      if (value === undefined || value === null) throw new TypeError(`${raw.path} needs path.${name}`);
      return encodeURIComponent(String(value));
    });
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(raw.query ?? {})) {
      if (value === undefined || value === null) continue;
      query.set(key, Array.isArray(value) ? value.join(",") : String(value));
    }
    const qs = query.toString();
    return `${this.#options.baseUrl}${path}${qs ? `?${qs}` : ""}`;
  }
}

/** `Retry-After` in seconds or as an HTTP date; else exponential back-off from 500 ms. */
export function retryDelay(res: Response, attempt: number, maxMs: number): number {
  const header = res.headers.get("retry-after");
  let ms = 500 * 2 ** attempt;
  if (header && /^\d+$/.test(header.trim())) ms = Number(header) * 1000;
  else if (header && !Number.isNaN(Date.parse(header))) ms = Date.parse(header) - Date.now();
  return Math.min(Math.max(ms, 0), maxMs);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
