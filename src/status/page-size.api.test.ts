import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../lib/ids.ts";
import { openIncidents } from "../storage/repos/incidents.repo.ts";
import { setRollupWatermark } from "../storage/repos/rollups.repo.ts";
import { API_ONLY, createMonitor, monitorBody } from "../test/api-helpers.ts";
import { createPage, visit } from "../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

const DAY = 86_400_000;
const COMPONENTS = 50;
const DAYS = 90;
/** Issue 20's budget for this page on the wire, brotli and gzip alike. */
const WIRE_BUDGET_BYTES = 60 * 1024;

/** A deterministic pseudo-random sequence, so every run builds the same page. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The size of a real page of 50 components with 90 days of history each, as a visitor's browser
 * receives it. The history is daily rollups of a monitor checked every minute (1,440 checks a
 * day; the storage layer, as the rollup job leaves them), mostly up, a few degraded checks, and on
 * about one day in sixteen an outage of minutes with its incident: every bar has data and the
 * tooltips vary as much as a real page's. The page's size does not depend on the database: PGlite only.
 */
describe("status page size, 50 components × 90 days", () => {
  let up: TestUpblit;
  let slug: string;

  beforeAll(async () => {
    up = await startTestUpblit("pglite", API_ONLY);
    const ids: string[] = [];
    for (let i = 0; i < COMPONENTS; i++)
      ids.push((await createMonitor(up, monitorBody("http", { name: `service-${i}` }))).id);
    const today = Math.floor(Date.now() / DAY) * DAY;
    const from = today - DAYS * DAY;
    await up.rt.db
      .updateTable("monitors")
      .set({ created_at: new Date(from - DAY) })
      .where("id", "in", ids)
      .execute();
    const random = rng(20);
    const rollups = [];
    const incidents = [];
    for (const monitorId of ids) {
      for (let day = from; day <= today; day += DAY) {
        // Today so far: the hours before the watermark below.
        const checks = day === today ? Math.max(60, Math.floor((Date.now() - today) / 3_600_000) * 60) : 1440;
        const outage = random() < 1 / 16 ? 1 + Math.floor(random() * 45) : 0;
        const degraded = random() < 0.2 ? 1 + Math.floor(random() * 5) : 0;
        rollups.push({
          organization_id: up.organizationId,
          monitor_id: monitorId,
          bucket: new Date(day),
          checks,
          up: checks - outage - degraded,
          degraded,
          down: outage,
          unknown: 0,
          latency_samples: checks,
          latency_min: 20,
          latency_avg: 80,
          latency_p95: 150,
          latency_max: 900,
        });
        if (outage > 0) {
          const at = day + Math.floor(random() * 20) * 3_600_000;
          incidents.push({
            id: newId("inc"),
            organizationId: up.organizationId,
            monitorId,
            cause: "fixture",
            at: new Date(at),
            resolvedAt: new Date(at + outage * 60_000),
          });
        }
      }
    }
    for (let i = 0; i < rollups.length; i += 1_000)
      await up.rt.db
        .insertInto("rollups_daily")
        .values(rollups.slice(i, i + 1_000))
        .execute();
    await openIncidents(up.rt.db, incidents);
    await setRollupWatermark(up.rt.db, new Date());
    const perGroup = COMPONENTS / 5;
    const page = await createPage(up, {
      title: "Acme Cloud",
      description: "Live status of the services we run for you.",
      historyDays: DAYS,
      groups: Array.from({ length: 5 }, (_, g) => ({
        name: `Group ${g + 1}`,
        components: ids
          .slice(g * perGroup, (g + 1) * perGroup)
          .map((monitorId, i) => ({ monitorId, displayName: `Service ${g + 1}.${i + 1}` })),
      })),
    });
    slug = page.slug;
  }, 120_000);
  afterAll(async () => up?.close());

  it(`is at most ${WIRE_BUDGET_BYTES / 1024} KiB on the wire, brotli and gzip`, async () => {
    const plain = await visit(up, `/status/${slug}`);
    expect(plain.statusCode).toBe(200);
    // Every component shows its 90 days, each with data, some with an incident.
    expect(plain.body.match(/<li data-component=/g)).toHaveLength(COMPONENTS);
    expect(plain.body.match(/<li class="[upo]">/g)).toHaveLength(COMPONENTS * DAYS);
    expect(plain.body.match(/: 9\d\.\d+% uptime, 1 incident/g)?.length).toBeGreaterThan(100);
    for (const [accept, decode] of [
      ["br", brotliDecompressSync],
      ["gzip", gunzipSync],
    ] as const) {
      const res = await visit(up, `/status/${slug}`, { headers: { "accept-encoding": accept } });
      expect(res.headers["content-encoding"]).toBe(accept);
      expect(decode(res.rawPayload).toString("utf8")).toBe(plain.body);
      expect(res.rawPayload.length, `${accept}: ${res.rawPayload.length} bytes`).toBeLessThanOrEqual(
        WIRE_BUDGET_BYTES,
      );
    }
  });
});
