import { describe, expect, it } from "vitest";
import { judgeHttp, retryAfterMs } from "./outbound.ts";

const res = (statusCode: number, headers: Record<string, string> = {}, body = "") => ({
  statusCode,
  headers,
  body,
});

describe("judgeHttp", () => {
  it("maps answers to outcomes: 2xx ok, 410 disables, 429/5xx retry, 3xx and other 4xx fail", () => {
    expect(judgeHttp(res(204))).toEqual({ ok: true, statusCode: 204 });
    expect(judgeHttp(res(410))).toMatchObject({ ok: false, retryable: false, disable: true });
    expect(judgeHttp(res(503, {}, "busy"))).toMatchObject({
      ok: false,
      retryable: true,
      error: "HTTP 503: busy",
    });
    expect(judgeHttp(res(429, { "retry-after": "7" }))).toMatchObject({
      retryable: true,
      retryAfterMs: 7_000,
    });
    for (const s of [301, 302, 400, 401, 404, 422])
      expect(judgeHttp(res(s))).toMatchObject({ ok: false, retryable: false });
  });

  it("reads Retry-After as seconds or as an HTTP date, and ignores nonsense", () => {
    const now = Date.UTC(2031, 0, 1, 12, 0, 0);
    expect(retryAfterMs(res(503, { "retry-after": "120" }), now)).toBe(120_000);
    expect(retryAfterMs(res(503, { "retry-after": "Wed, 01 Jan 2031 12:01:30 GMT" }), now)).toBe(90_000);
    expect(retryAfterMs(res(503, { "retry-after": "Wed, 01 Jan 2031 11:00:00 GMT" }), now)).toBe(0);
    expect(retryAfterMs(res(503, { "retry-after": "soon" }), now)).toBeUndefined();
    expect(retryAfterMs(res(503), now)).toBeUndefined();
  });
});
