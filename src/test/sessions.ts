/** Calls for the sign-in and session tests, which check tokens by using them; not a test file itself. */
import { API, call } from "./api-helpers.ts";
import type { TestUpblit } from "./upblit.ts";

/** An Authorization header carrying `token` as a bearer token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** GET /me with an access token: the plainest way to ask whether a token still works. */
export function meWith(up: TestUpblit, token: string) {
  return call(up, "GET", `${API}/me`, undefined, bearer(token));
}

/** POST /auth/refresh with a refresh token and no other credential. */
export function refreshWith(up: TestUpblit, refreshToken: string) {
  return call(up, "POST", `${API}/auth/refresh`, { refreshToken }, { authorization: "" });
}
