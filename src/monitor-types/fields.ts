/**
 * Zod pieces that several monitor types' settings share: the shapes of a target (a URL,
 * host:port, a hostname), JSON paths and scalar values. The API's common monitor fields use
 * `HttpUrl` too (a runbook link).
 */
import { isIP } from "node:net";
import { z } from "zod";
import { parseJsonPath } from "../domain/json-path.ts";
import { UNSAFE_CHARS } from "../lib/unsafe-chars.ts";

export const TARGET_CHARS = 2048;

const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)(\.(?!-)[a-zA-Z0-9-]{1,63}(?<!-))*\.?$/;
const isHost = (h: string) => HOSTNAME.test(h) || isIP(h) !== 0;

export const HttpUrl = z
  .string()
  .max(TARGET_CHARS)
  .refine((s) => !UNSAFE_CHARS.test(s) && !/\s/.test(s), "must not contain spaces or control characters")
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, "must be an absolute http:// or https:// URL")
  .refine((s) => !URL.canParse(s) || (new URL(s).username === "" && new URL(s).password === ""), {
    message: "must not contain credentials; use http.auth",
  })
  .meta({ example: "https://example.com/health" });

/** `host:port` or `[ipv6]:port`. */
export const HostPort = z
  .string()
  .max(260)
  .refine((s) => {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s);
    if (!m) return false;
    const host = m[1] ?? m[2] ?? "";
    const port = Number(m[3]);
    return port >= 1 && port <= 65535 && (m[1] ? isIP(host) === 6 : isHost(host));
  }, "must be host:port (IPv6 as [addr]:port) with a port from 1 to 65535")
  .meta({ example: "db.example.com:5432" });

export const Hostname = z
  .string()
  .max(253)
  .refine(isHost, "must be a hostname")
  .meta({ example: "example.com" });

export const ScalarValue = z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]);

/** Adds an issue at `at` when `path` is not a JSON path we can walk (domain/json-path.ts). */
export function checkJsonPath(path: string, ctx: z.RefinementCtx, at: string[]): void {
  try {
    parseJsonPath(path);
  } catch (err) {
    ctx.addIssue({ code: "custom", path: at, message: (err as Error).message });
  }
}
