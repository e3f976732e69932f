import { useState } from "react";

/** sessionStorage keys of the sign-in: the second-factor step's token and where to go after. */
export const MFA_TOKEN_KEY = "upblit.mfaToken";
export const NEXT_KEY = "upblit.next";

/**
 * The token of a mail link (`/{page}#token=…`). The fragment never reaches the server or a
 * Referer; once read it is also taken out of the address bar so it is not left in history.
 */
export function readFragmentToken(): string | undefined {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  const token = params.get("token") ?? undefined;
  if (token) window.history.replaceState(window.history.state, "", window.location.pathname);
  return token;
}

/** The link's token, read once when the page mounts. */
export function useFragmentToken(): string | undefined {
  const [token] = useState(readFragmentToken);
  return token;
}

/** A token pasted as itself or as the whole setup link (`…/setup?token=…`). */
export function tokenFromPaste(text: string): string {
  const trimmed = text.trim();
  const match = /[?#&]token=([^&#\s]+)/.exec(trimmed);
  return match?.[1] ? decodeURIComponent(match[1]) : trimmed;
}

/** Where to go after signing in: a path of this app only, never another origin. */
export function safeNext(next: string | undefined): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}
