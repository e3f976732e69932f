import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { API, API_ONLY, call, waitFor } from "../../../test/api-helpers.ts";
import { createPage, visit } from "../../../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * Two API processes on one PostgreSQL and one Redis (here two apps in this test process, each with
 * its own Redis connections): a page edited through one is dropped from the other's cache through
 * the live bus. The second one's clock stands still, so its cache never expires by age: only the
 * bus can make it read the page again.
 */
describe("a status page edited in one API process, read through another", () => {
  const prefix = `upblit-test-${randomUUID().slice(0, 8)}`;
  const env = { ...API_ONLY, REDIS_URL, REDIS_PREFIX: prefix };
  let a: TestUpblit;
  let b: TestUpblit;

  beforeAll(async () => {
    let shared = "";
    a = await startTestUpblit("postgres", env, {
      databaseUrlFor: (url) => {
        shared = url;
        return url;
      },
    });
    b = await startTestUpblit(
      "postgres",
      { ...env, DATABASE_URL: shared },
      { clock: new ManualClock(Date.now()), bootstrap: false },
    );
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("is shown as edited by the other process, not after its cache's time to live", async () => {
    const page = await createPage(a, { title: "Before the edit" });
    const first = await visit(b, `/status/${page.slug}`);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.body).toContain("Before the edit");

    const res = await call(a, "PATCH", `${API}/status-pages/${page.id}`, { title: "After the edit" });
    expect(res.statusCode, res.body).toBe(200);
    // Each look from its own address, so the public per-address rate limit never answers instead.
    let visits = 0;
    const seen = await waitFor(
      async () => (await visit(b, `/status/${page.slug}`, { ip: `192.0.2.${(visits++ % 250) + 1}` })).body,
      (body) => body.includes("After the edit"),
      10_000, // quiet-machine time: far less than the cache's 60 s, which never passes here anyway
    );
    expect(seen).not.toContain("Before the edit");
  });
});
