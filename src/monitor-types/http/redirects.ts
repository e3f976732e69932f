import { blockedFailure, ProbeFailure } from "../../probe/probe-error.ts";
import type { Hop } from "./request.ts";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that identify the user to the origin they were written for, and to no other. */
const ORIGIN_BOUND_HEADERS = ["authorization", "proxy-authorization", "cookie", "host"];
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language"];

export function isRedirectStatus(statusCode: number): boolean {
  return REDIRECT_STATUSES.has(statusCode);
}

/**
 * The request for the next hop, per the Fetch standard: 303 (and POST on 301/302) becomes a
 * bodiless GET; a cross-origin hop loses credentials. The target is vetted again at connect time.
 */
export function buildNextHop(hop: Hop, location: string, statusCode: number): Hop {
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    throw new ProbeFailure("protocol", "invalid redirect location");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw blockedFailure();
  url.hash = "";
  url.username = "";
  url.password = "";

  const headers = { ...hop.headers };
  const next: Hop = { url, method: hop.method, headers };
  const toGet = (statusCode === 303 && hop.method !== "HEAD") || (statusCode <= 302 && hop.method === "POST");
  if (toGet) {
    next.method = "GET";
    for (const name of BODY_HEADERS) delete headers[name];
  } else if (hop.body !== undefined) {
    next.body = hop.body;
  }
  if (url.origin !== hop.url.origin) {
    for (const name of ORIGIN_BOUND_HEADERS) delete headers[name];
  }
  return next;
}
