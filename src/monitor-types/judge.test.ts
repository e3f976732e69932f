import { describe, expect, it } from "vitest";
import type { Assertion } from "../domain/assertion.ts";
import { describeAssertion, statusOf } from "../domain/assertions.ts";
import type { Observation } from "../domain/check-result.ts";
import type { CheckSpec, MonitorSpecByType } from "../domain/monitor.ts";
import type { HttpSettings } from "./http/settings.ts";
import { effectiveAssertions, judgeObservation } from "./run.ts";

const HTTP: HttpSettings = {
  method: "GET",
  headers: {},
  followRedirects: true,
  maxRedirects: 5,
  verifyTls: true,
};

function spec(byType: MonitorSpecByType, assertions: Assertion[] = []): CheckSpec {
  return { ...byType, monitorId: "mon_1", organizationId: "org_1", target: "x", timeoutMs: 1000, assertions };
}

const STATUS_DEFAULTS: Assertion[] = [
  { subject: "status", op: ">=", value: 200, severity: "hard" },
  { subject: "status", op: "<", value: 400, severity: "hard" },
];
const SLOW: Assertion = { subject: "latency.total", op: "<", value: 500, severity: "soft" };
const ONLY_200: Assertion = { subject: "status", op: "==", value: 200, severity: "hard" };

const texts = (s: CheckSpec) => effectiveAssertions(s).map(describeAssertion);

describe("effectiveAssertions", () => {
  it("http: status 200..399 by default, before the user's assertions", () => {
    expect(effectiveAssertions(spec({ type: "http", http: HTTP }))).toStrictEqual(STATUS_DEFAULTS);
    expect(effectiveAssertions(spec({ type: "http", http: HTTP }, [SLOW]))).toStrictEqual([
      ...STATUS_DEFAULTS,
      SLOW,
    ]);
  });

  it("http: any user status assertion, even soft, replaces the status defaults", () => {
    expect(effectiveAssertions(spec({ type: "http", http: HTTP }, [ONLY_200, SLOW]))).toStrictEqual([
      ONLY_200,
      SLOW,
    ]);
    const soft: Assertion = { ...ONLY_200, severity: "soft" };
    expect(effectiveAssertions(spec({ type: "http", http: HTTP }, [soft]))).toStrictEqual([soft]);
  });

  it("keyword: status defaults plus a hard body assertion with the monitor's case setting", () => {
    const keyword = { keyword: "Welcome", mode: "contains", caseSensitive: true } as const;
    expect(effectiveAssertions(spec({ type: "keyword", http: HTTP, keyword }))).toStrictEqual([
      ...STATUS_DEFAULTS,
      { subject: "body", op: "contains", value: "Welcome", caseSensitive: true, severity: "hard" },
    ]);
    const absent = { keyword: "error", mode: "notContains", caseSensitive: false } as const;
    expect(texts(spec({ type: "keyword", http: HTTP, keyword: absent }, [ONLY_200]))).toStrictEqual([
      'body notContains "error"',
      "status == 200",
    ]);
  });

  it("json: status defaults plus the mapped json assertion", () => {
    const json = { path: "$.status", op: "==", expected: "ok" } as const;
    expect(effectiveAssertions(spec({ type: "json", http: HTTP, json }))).toStrictEqual([
      ...STATUS_DEFAULTS,
      { subject: "json", path: "$.status", op: "==", value: "ok", severity: "hard" },
    ]);
    const cases = [
      [{ path: "$.n", op: "!=", expected: 0 }, "json $.n != 0"],
      [{ path: "$.n", op: "<", expected: 5 }, "json $.n < 5"],
      [{ path: "$.n", op: ">", expected: 5 }, "json $.n > 5"],
      [{ path: "$.t", op: "contains", expected: "a" }, 'json $.t contains "a"'],
      [{ path: "$.e", op: "==", expected: null }, "json $.e == null"],
      [{ path: "$.d", op: "exists" }, "json $.d exists"],
      [{ path: "$.d", op: "exists", expected: "ignored" }, "json $.d exists"],
    ] as const;
    for (const [settings, text] of cases) {
      expect(texts(spec({ type: "json", http: HTTP, json: settings }, [ONLY_200]))).toStrictEqual([
        text,
        "status == 200",
      ]);
    }
    const exists = effectiveAssertions(
      spec({ type: "json", http: HTTP, json: { path: "$.d", op: "exists" } }),
    );
    expect(exists[2]).toStrictEqual({ subject: "json", path: "$.d", op: "exists", severity: "hard" });
  });

  it("dns: all expected values must be answered; nothing implied without them", () => {
    const expected = ["1.2.3.4", "5.6.7.8"];
    const dns = spec({ type: "dns", dns: { recordType: "A", expected } });
    expect(effectiveAssertions(dns)).toStrictEqual([
      { subject: "dns.answers", op: "contains", value: ["1.2.3.4", "5.6.7.8"], severity: "hard" },
    ]);
    expect(effectiveAssertions(dns)[0]!.value).not.toBe(expected);
    expect(effectiveAssertions(spec({ type: "dns", dns: { recordType: "A" } }))).toStrictEqual([]);
    expect(effectiveAssertions(spec({ type: "dns", dns: { recordType: "A", expected: [] } }))).toStrictEqual(
      [],
    );
  });

  it("tls: certificate not expired and hostname matching, each unless the user asserts it", () => {
    expect(texts(spec({ type: "tls" }))).toStrictEqual(["cert.daysLeft > 0", "cert.hostnameMatch == true"]);
    const days: Assertion = { subject: "cert.daysLeft", op: ">", value: 14, severity: "soft" };
    expect(effectiveAssertions(spec({ type: "tls" }, [days]))).toStrictEqual([
      { subject: "cert.hostnameMatch", op: "==", value: true, severity: "hard" },
      days,
    ]);
    const host: Assertion = { subject: "cert.hostnameMatch", op: "==", value: false, severity: "soft" };
    expect(texts(spec({ type: "tls" }, [host]))).toStrictEqual([
      "cert.daysLeft > 0",
      "cert.hostnameMatch == false",
    ]);
    expect(effectiveAssertions(spec({ type: "tls" }, [days, host]))).toStrictEqual([days, host]);
  });

  it("tcp: nothing implied", () => {
    expect(effectiveAssertions(spec({ type: "tcp" }))).toStrictEqual([]);
    expect(effectiveAssertions(spec({ type: "tcp" }, [SLOW]))).toStrictEqual([SLOW]);
  });

  it("does not mutate the spec's assertions", () => {
    const user = [SLOW];
    effectiveAssertions(spec({ type: "http", http: HTTP }, user));
    expect(user).toStrictEqual([SLOW]);
  });
});

describe("severity → status", () => {
  const v = (ok: boolean, severity: "hard" | "soft") => ({ assertion: "x", ok, severity });
  it.each([
    [[], "up"],
    [[v(true, "hard"), v(true, "soft")], "up"],
    [[v(true, "hard"), v(false, "soft")], "degraded"],
    [[v(false, "hard"), v(true, "soft")], "down"],
    [[v(false, "soft"), v(false, "hard")], "down"],
    [[v(false, "soft"), v(false, "soft")], "degraded"],
  ] as const)("%j → %s", (verdicts, status) => {
    expect(statusOf([...verdicts])).toBe(status);
  });
});

describe("judgeObservation", () => {
  const ok: Observation = {
    timings: { total: 812.34 },
    statusCode: 200,
    body: '{"status":"ok"}',
  };

  it("an observation error is down without evaluating anything", () => {
    const obs: Observation = { timings: { total: 5 }, error: { kind: "timeout", message: "timed out" } };
    expect(judgeObservation(spec({ type: "http", http: HTTP }, [SLOW]), obs)).toStrictEqual({
      status: "down",
      verdicts: [],
    });
  });

  it("all hard pass, a soft fails → degraded, with every verdict in order", () => {
    expect(judgeObservation(spec({ type: "http", http: HTTP }, [SLOW]), ok)).toStrictEqual({
      status: "degraded",
      verdicts: [
        { assertion: "status >= 200", ok: true, severity: "hard", actual: 200 },
        { assertion: "status < 400", ok: true, severity: "hard", actual: 200 },
        { assertion: "latency.total < 500", ok: false, severity: "soft", actual: 812.3 },
      ],
    });
  });

  it("a failed default status assertion is down", () => {
    const result = judgeObservation(spec({ type: "http", http: HTTP }), { ...ok, statusCode: 503 });
    expect(result.status).toBe("down");
    expect(result.verdicts.map((x) => x.ok)).toStrictEqual([true, false]);
  });

  it("3xx and 1xx fall outside the default range", () => {
    expect(judgeObservation(spec({ type: "http", http: HTTP }), { ...ok, statusCode: 399 }).status).toBe(
      "up",
    );
    expect(judgeObservation(spec({ type: "http", http: HTTP }), { ...ok, statusCode: 400 }).status).toBe(
      "down",
    );
    expect(judgeObservation(spec({ type: "http", http: HTTP }), { ...ok, statusCode: 199 }).status).toBe(
      "down",
    );
  });

  it("user status assertions replace the default range", () => {
    const accept404: Assertion = { subject: "status", op: "in", value: [200, 404], severity: "hard" };
    expect(
      judgeObservation(spec({ type: "http", http: HTTP }, [accept404]), { ...ok, statusCode: 404 }).status,
    ).toBe("up");
  });

  it("keyword and json types judge the body", () => {
    const kw = spec({
      type: "keyword",
      http: HTTP,
      keyword: { keyword: "OK", mode: "contains", caseSensitive: true },
    });
    expect(judgeObservation(kw, ok).status).toBe("down");
    const kwi = spec({
      type: "keyword",
      http: HTTP,
      keyword: { keyword: "OK", mode: "contains", caseSensitive: false },
    });
    expect(judgeObservation(kwi, ok).status).toBe("up");
    const json = spec({ type: "json", http: HTTP, json: { path: "$.status", op: "==", expected: "ok" } });
    expect(judgeObservation(json, ok).status).toBe("up");
    const broken = judgeObservation(json, { ...ok, body: "not json" });
    expect(broken.status).toBe("down");
    expect(broken.verdicts[2]).toStrictEqual({
      assertion: 'json $.status == "ok"',
      ok: false,
      severity: "hard",
      actual: "invalid JSON",
    });
  });

  it("dns and tls types judge answers and the certificate", () => {
    const dns = spec({ type: "dns", dns: { recordType: "A", expected: ["1.1.1.1", "1.0.0.1"] } });
    expect(judgeObservation(dns, { timings: { total: 3 }, dnsAnswers: ["1.0.0.1", "1.1.1.1"] }).status).toBe(
      "up",
    );
    expect(judgeObservation(dns, { timings: { total: 3 }, dnsAnswers: ["1.1.1.1"] }).status).toBe("down");
    const cert = { daysLeft: 10, validTo: "2030-01-01T00:00:00Z", hostnameMatch: true, chainValid: true };
    const tls = spec({ type: "tls" }, [{ subject: "cert.daysLeft", op: ">", value: 14, severity: "soft" }]);
    expect(judgeObservation(tls, { timings: { total: 3 }, cert }).status).toBe("degraded");
    expect(judgeObservation(spec({ type: "tls" }), { timings: { total: 3 }, cert }).status).toBe("up");
    expect(
      judgeObservation(spec({ type: "tls" }), { timings: { total: 3 }, cert: { ...cert, daysLeft: 0 } })
        .status,
    ).toBe("down");
    expect(judgeObservation(spec({ type: "tls" }), { timings: { total: 3 } }).status).toBe("down");
  });

  it("tcp with no assertions is up when connected", () => {
    expect(judgeObservation(spec({ type: "tcp" }), { timings: { total: 3 } })).toStrictEqual({
      status: "up",
      verdicts: [],
    });
  });
});
