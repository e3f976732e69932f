import { afterAll, beforeAll } from "vitest";
import { API, API_ONLY, call } from "../../../test/api-helpers.ts";
import type { TestDbKind } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/**
 * What the upsert-by-key tests share (upsert-by-key-*.api.test.ts, split by the kinds they upsert;
 * docs/config-as-code.md#upsert-by-key): the shapes they read and the reads they check with.
 */
type Keys = { items: Array<{ key: string; id: string }> };
export type Monitor = {
  id: string;
  name: string;
  tags: string[];
  intervalSeconds: number;
  paused: boolean;
  state: string;
};
export type Rule = {
  id: string;
  name: string;
  tags: string[];
  events: string[];
  reminderMinutes: number | null;
};
export type Window = { id: string; title: string; schedule: Record<string, unknown> };
export type Page = { id: string; slug: string; title: string; visibility: string; hasPassword: boolean };
export type Channel = {
  id: string;
  name: string;
  kind: string;
  secretsSet: string[];
  events: string[];
  generatedSecrets?: unknown;
};

/**
 * Starts the suite's Upblit on `kind` (API only) before its tests and hands it to `use`; closes it
 * after them. Returns the reads the tests check with.
 */
export function upsertSuite(kind: TestDbKind, use: (up: TestUpblit) => void) {
  let up: TestUpblit | undefined;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    use(up);
  });
  afterAll(async () => up?.close());
  return upsertReads(() => up!);
}

/** A kind's keys, the monitors with a name, and the audit actions on one target, sorted. */
function upsertReads(upblit: () => TestUpblit) {
  const keys = async (path: string) =>
    (await call(upblit(), "GET", `${API}/${path}/keys`)).json<Keys>().items;
  const monitorsNamed = async (name: string) =>
    (await call(upblit(), "GET", `${API}/monitors?q=${encodeURIComponent(name)}&limit=100`))
      .json<{ items: Monitor[] }>()
      .items.filter((m) => m.name === name);
  const auditActions = async (targetId: string) =>
    (await call(upblit(), "GET", `${API}/audit-log?targetId=${targetId}`))
      .json<{ items: Array<{ action: string }> }>()
      .items.map((e) => e.action)
      .sort();
  return { keys, monitorsNamed, auditActions };
}

/** A one-off window from an hour to two hours from now. */
export function futureOnce() {
  const now = Date.now();
  return {
    type: "once",
    startsAt: new Date(now + 3_600_000).toISOString(),
    endsAt: new Date(now + 7_200_000).toISOString(),
  };
}
