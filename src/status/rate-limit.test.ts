import { describe, expect, it } from "vitest";
import { AppError } from "../lib/errors.ts";
import { countStatusRequest, StatusRequestLimiter } from "./rate-limit.ts";

describe("StatusRequestLimiter", () => {
  it("lets `limit` requests per address through a window, refuses the rest until it ends", () => {
    let now = 1_000_000;
    const limiter = new StatusRequestLimiter({ limit: 3, seconds: 60 }, () => now);
    for (let i = 0; i < 3; i++) expect(limiter.take("198.51.100.1")).toBe(0);
    expect(limiter.take("198.51.100.1")).toBe(60_000);
    expect(limiter.take("198.51.100.2")).toBe(0);
    now += 59_999;
    expect(limiter.take("198.51.100.1")).toBe(1);
    now += 1;
    expect(limiter.take("198.51.100.1")).toBe(0);
  });

  it("refuses with LIMIT_EXCEEDED and a wait of at least a second", () => {
    const limiter = new StatusRequestLimiter({ limit: 1, seconds: 60 }, () => 0);
    countStatusRequest(limiter, "203.0.113.5");
    try {
      countStatusRequest(limiter, "203.0.113.5");
      expect.unreachable("the second request should be refused");
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("LIMIT_EXCEEDED");
      expect((err as AppError).details).toEqual({ retryAfterSeconds: 60 });
    }
  });

  it("starts a new window for an address whose window has ended, while others come and go", () => {
    let now = 0;
    const limiter = new StatusRequestLimiter({ limit: 1, seconds: 1 }, () => now);
    expect(limiter.take("192.0.2.1")).toBe(0);
    expect(limiter.take("192.0.2.1")).toBe(1000);
    now = 10_000;
    expect(limiter.take("192.0.2.2")).toBe(0);
    expect(limiter.take("192.0.2.1")).toBe(0);
  });
});
