/** Helpers for the status page tests; not a test file itself. */
import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { API, call } from "./api-helpers.ts";
import type { TestUpblit } from "./upblit.ts";

export interface PageJson {
  id: string;
  slug: string;
  url: string;
  title: string;
  visibility: string;
  hasPassword: boolean;
  historyDays: number;
  groups: Array<{
    id: string;
    name: string;
    position: number;
    components: Array<{ monitorId: string; displayName: string; position: number }>;
  }>;
  [key: string]: unknown;
}

let counter = 0;

/** A slug no other test of this process used. */
export function uniqueSlug(tag = "page"): string {
  counter += 1;
  return `${tag}-${process.pid}-${counter}`;
}

/** Creates a page through the API (owner's key unless headers say otherwise); fails on any other status. */
export async function createPage(
  up: TestUpblit,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<PageJson> {
  const res = await call(
    up,
    "POST",
    `${API}/status-pages`,
    { slug: uniqueSlug(), title: "Acme", ...body },
    headers,
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json<PageJson>();
}

/** An anonymous request to a public status route (no API key, optional cookies and headers). */
export function visit(
  up: TestUpblit,
  url: string,
  options: { headers?: Record<string, string>; method?: "GET" | "POST"; payload?: string; ip?: string } = {},
): Promise<LightMyRequestResponse> {
  return up.app!.inject({
    method: options.method ?? "GET",
    url,
    headers: options.headers ?? {},
    payload: options.payload,
    remoteAddress: options.ip ?? "127.0.0.1",
  });
}

/** Fails when any of the secrets appears in the text. */
export function expectNoneOf(text: string, secrets: string[], where: string): void {
  for (const secret of secrets) expect(text, `${where} shows ${secret}`).not.toContain(secret);
}
