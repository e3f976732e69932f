import { Upblit, UpblitProblem } from "@upblit/sdk";

/**
 * The API's problems (RFC 9457) as the SDK throws them: `status`, `code`, `detail`, `errors[]`
 * naming each failing field by `path`, and `fieldError(path)` for one field's message.
 */
export const ApiError = UpblitProblem;
export type ApiError = UpblitProblem;

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

/**
 * The dashboard's client of the API: the SDK on the page's own origin, through `sessionFetch`
 * (cookies, the CSRF header, one refresh on 401). It does not retry 429/503 itself: a person sees
 * the problem (and react-query retries reads that failed with a 5xx).
 */
export const sdk = new Upblit({
  baseUrl: "",
  csrfToken,
  retries: 0,
  fetch: (input, init) => sessionFetch(new Request(input, init)),
});
