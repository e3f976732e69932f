import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/clock.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { createMonitor } from "../monitors/create.ts";
import { updateMonitor } from "../monitors/update.ts";
import { claimDueChecks, SpecCache } from "./claim-due.ts";

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);

describe.each(DB_KINDS)("the scheduler's spec cache on %s", (kind) => {
  let up: TestUpblit;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
  });
  afterAll(async () => up?.close());

  it("serves repeat claims from memory and reloads a monitor edited in the same millisecond", async () => {
    const ctx = up.ctx;
    const cache = new SpecCache();
    const m = await createMonitor(ctx, monitorDefinition({ name: "cached", target: "http://127.0.0.1:9/a" }));
    clock.advance(60_000);
    const first = await claimDueChecks(up.rt, 10, clock.now(), cache);
    expect(first.map((d) => d.spec.target)).toEqual(["http://127.0.0.1:9/a"]);
    // The clock does not move: only the revision tells the cache the monitor changed.
    await updateMonitor(ctx, m.id, monitorDefinition({ name: "cached", target: "http://127.0.0.1:9/b" }));
    clock.advance(60_000);
    const second = await claimDueChecks(up.rt, 10, clock.now(), cache);
    expect(second.map((d) => d.spec.target)).toEqual(["http://127.0.0.1:9/b"]);
    expect(second[0]!.spec).not.toBe(first[0]!.spec);
    clock.advance(60_000);
    const third = await claimDueChecks(up.rt, 10, clock.now(), cache);
    expect(third[0]!.spec).toBe(second[0]!.spec); // the same object: no reload
  });
});
