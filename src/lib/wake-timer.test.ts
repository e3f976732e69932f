import { describe, expect, it } from "vitest";
import { WakeTimer } from "./wake-timer.ts";

const HOUR = 3_600_000;

describe("WakeTimer", () => {
  it("ends a sleep in progress when woken", async () => {
    const timer = new WakeTimer();
    const slept = timer.sleep(HOUR);
    timer.wake();
    await slept;
    // The wake was used up: a later sleep waits its time.
    let done = false;
    void timer.sleep(HOUR).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    timer.wake();
  });

  it("keeps a wake that comes while nobody sleeps for the next sleep, once", async () => {
    const timer = new WakeTimer();
    timer.wake();
    timer.wake();
    await timer.sleep(HOUR); // returns at once: the test would time out otherwise
    let done = false;
    void timer.sleep(HOUR).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    timer.wake();
  });

  it("sleeps its time when nothing wakes it", async () => {
    const timer = new WakeTimer();
    const started = performance.now();
    await timer.sleep(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
  });
});
