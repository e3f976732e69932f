import { isIP } from "node:net";
import { shortText } from "./client-redact.ts";

/** The first value of the first row, as short text; null for no row or a NULL. */
export function firstCell(rows: ReadonlyArray<ReadonlyArray<unknown>>): string | null {
  const value = rows[0]?.[0];
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return shortText(value.toString("utf8"));
  return shortText(typeof value === "object" ? JSON.stringify(value) : String(value));
}

/** The TLS server name for a host: RFC 6066 forbids an IP literal in SNI. */
export function sniName(hostname: string): string | undefined {
  return isIP(hostname) === 0 ? hostname : undefined;
}
