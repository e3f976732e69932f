import createClient from "openapi-fetch";
import type { paths } from "./schema";

/** An RFC 9457 problem as the API sends it; `errors[].path` names the field at fault. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: Array<{ path: string; message: string }>;
}

/** Thrown by `unwrap` when the API answers with a problem. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  /** The message for one field (`path` as the API writes it, e.g. "assertions.0.value"). */
  fieldError(path: string): string | undefined {
    return this.problem.errors?.find((e) => e.path === path)?.message;
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The CSRF cookie's value (plain http name, or the `__Host-` one behind https). */
export function csrfToken(cookies: string = document.cookie): string | undefined {
  for (const part of cookies.split(/;\s*/)) {
    const [name, ...rest] = part.split("=");
    if (name === "upblit-csrf" || name === "__Host-upblit-csrf") return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

let refreshing: Promise<boolean> | undefined;

/** Trades the refresh cookie for a new pair once, however many requests found the token expired. */
function refreshSession(): Promise<boolean> {
  refreshing ??= fetch("/api/v1/auth/refresh", {
    method: "POST",
    headers: { "x-csrf-token": csrfToken() ?? "", "content-type": "application/json" },
    body: "{}",
    credentials: "same-origin",
  })
    .then((r) => r.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

/** Listeners told when the session is gone (the app shows the sign-in page). */
export const sessionEnded = new EventTarget();

/**
 * fetch with the browser session: cookies, the CSRF header on unsafe methods, and one refresh
 * when the access token has expired (15 minutes) before giving up.
 */
export async function sessionFetch(input: Request): Promise<Response> {
  const send = (req: Request) => {
    const headers = new Headers(req.headers);
    if (UNSAFE.has(req.method)) headers.set("x-csrf-token", csrfToken() ?? "");
    return fetch(new Request(req, { headers, credentials: "same-origin" }));
  };
  const retry = input.clone();
  const first = await send(input);
  if (first.status !== 401 || input.url.includes("/api/v1/auth/")) return first;
  if (!(await refreshSession())) {
    sessionEnded.dispatchEvent(new Event("ended"));
    return first;
  }
  return send(retry);
}

export const api = createClient<paths>({ baseUrl: "/", fetch: sessionFetch });

/** The data of an openapi-fetch answer, or an ApiError with the problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const e = result.error as Partial<Problem> | undefined;
    throw new ApiError({
      type: e?.type ?? "about:blank",
      title: e?.title ?? result.response.statusText,
      status: e?.status ?? result.response.status,
      ...(e?.detail ? { detail: e.detail } : {}),
      ...(e?.code ? { code: e.code } : {}),
      ...(e?.errors ? { errors: e.errors } : {}),
    });
  }
  return result.data as T;
}
