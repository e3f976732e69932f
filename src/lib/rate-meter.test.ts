import { describe, expect, it } from "vitest";
import { RateMeter } from "./rate-meter.ts";

describe("RateMeter", () => {
  it("counts events per second over the current and the previous window", () => {
    let t = 0;
    const meter = new RateMeter(1_000, () => t);
    expect(meter.perSecond()).toBe(0);
    meter.tick(10);
    t = 500;
    // 10 events over the half window plus the (empty) previous window: 10 / 1.5 s.
    expect(meter.perSecond()).toBeCloseTo(10 / 1.5);
    t = 1_000;
    meter.tick(20);
    t = 1_500;
    // Previous window 10, current 20, over 1.5 s.
    expect(meter.perSecond()).toBeCloseTo(30 / 1.5);
  });

  it("forgets a pace that stopped", () => {
    let t = 0;
    const meter = new RateMeter(1_000, () => t);
    meter.tick(100);
    t = 1_200;
    expect(meter.perSecond()).toBeCloseTo(100 / 1.2);
    t = 2_500;
    expect(meter.perSecond()).toBe(0);
  });
});
