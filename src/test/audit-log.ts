/** Reads of GET /audit-log for the audit tests; not a test file itself. */
import { expect } from "vitest";
import { API, call } from "./api-helpers.ts";
import type { TestUpblit } from "./upblit.ts";

export interface EntryJson {
  id: string;
  at: string;
  actor: { type: string; id: string | null; label: string | null };
  action: string;
  target: { type: string; id: string } | null;
  ip: string | null;
  userAgent: string | null;
  summary: Record<string, unknown>;
}
export interface Page {
  items: EntryJson[];
  nextCursor: string | null;
}

/** One page of the audit log for `query` (the owner's key unless `headers` say otherwise); insists on 200. */
export async function auditLogPage(
  up: TestUpblit,
  query: string,
  headers: Record<string, string> = {},
): Promise<Page> {
  const res = await call(up, "GET", `${API}/audit-log?${query}`, undefined, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Page>();
}

/** Every entry the query matches, following nextCursor page by page. */
export async function allAuditPages(
  up: TestUpblit,
  query: string,
  headers: Record<string, string> = {},
): Promise<EntryJson[]> {
  const items: EntryJson[] = [];
  let cursor: string | null = null;
  do {
    const page = await auditLogPage(up, `${query}${cursor ? `&cursor=${cursor}` : ""}`, headers);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** The id of the API key whose secret is `token` (audit rows name keys by id). */
export async function apiKeyIdOf(up: TestUpblit, token: string): Promise<string> {
  const row = await up.rt.db
    .selectFrom("api_keys")
    .select("id")
    .where("lookup", "=", token.slice(0, 12))
    .executeTakeFirstOrThrow();
  return row.id;
}
