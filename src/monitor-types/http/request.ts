import { blockedFailure, ProbeFailure } from "../../probe/probe-error.ts";
import type { HttpAuth, HttpMethod, HttpSettings } from "./settings.ts";

/** One request of a check: the first, or one produced by following a redirect. */
export interface Hop {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body?: string;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// CR/LF would split the header (injection); NUL is refused by every sane server anyway.
const UNSAFE_VALUE = /[\r\n\0]/;
const ACCEPT_ENCODING = "gzip, deflate, br";

/** Parses a check URL; only http and https may leave the probe. */
export function parseCheckUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProbeFailure("protocol", "invalid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw blockedFailure();
  url.hash = "";
  return url;
}

export function buildFirstHop(target: string, settings: HttpSettings, userAgent: string): Hop {
  const url = parseCheckUrl(target);
  const headers: Record<string, string> = {
    "user-agent": userAgent,
    accept: "*/*",
    "accept-encoding": ACCEPT_ENCODING,
  };
  for (const [name, value] of Object.entries(settings.headers)) {
    if (!HEADER_NAME.test(name)) throw new ProbeFailure("protocol", "invalid header name");
    assertSafeValue(value);
    headers[name.toLowerCase()] = value;
  }
  const auth = settings.auth ?? authFromUserinfo(url);
  // Credentials in the URL never travel as part of it (and never to a redirect target).
  url.username = "";
  url.password = "";
  if (auth) headers["authorization"] = formatAuthorization(auth);
  const hop: Hop = { url, method: settings.method, headers };
  if (settings.body !== undefined && settings.method !== "GET" && settings.method !== "HEAD") {
    hop.body = settings.body;
  }
  return hop;
}

function authFromUserinfo(url: URL): HttpAuth | undefined {
  if (url.username === "" && url.password === "") return undefined;
  return {
    type: "basic",
    username: safeDecode(url.username),
    password: safeDecode(url.password),
  };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function formatAuthorization(auth: HttpAuth): string {
  if (auth.type === "bearer") {
    assertSafeValue(auth.token);
    return `Bearer ${auth.token}`;
  }
  assertSafeValue(auth.username);
  assertSafeValue(auth.password);
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64")}`;
}

function assertSafeValue(value: string): void {
  if (UNSAFE_VALUE.test(value)) throw new ProbeFailure("protocol", "invalid header value");
}
