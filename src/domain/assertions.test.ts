import { describe, expect, it } from "vitest";
import {
  type Bare,
  BODY,
  BODY_CUT,
  judgeOne as judgeOneAgainst,
  type Row,
  runTable as runSharedTable,
} from "./assertion-table.test-support.ts";
import type { Observation } from "./check-result.ts";

const OBS: Observation = {
  timings: { total: 123.456, dns: 1.23, connect: 10.04, tls: 20.55, firstByte: 80 },
  statusCode: 200,
  headers: { "content-type": "application/json; charset=utf-8", "content-length": "42", "x-flag": "true" },
  body: BODY,
  cert: { daysLeft: 30, validTo: "2030-01-01T00:00:00Z", hostnameMatch: true, chainValid: false },
  dnsAnswers: ["1.2.3.4", "5.6.7.8", "Mail.Example.com"],
};

function runTable(rows: Row[]): void {
  runSharedTable(OBS, rows);
}

const judgeOne = (a: Bare, obs: Observation = OBS) => judgeOneAgainst(a, obs);

describe("status", () => {
  runTable([
    [{ subject: "status", op: "==", value: 200 }, true, 200],
    [{ subject: "status", op: "==", value: "200" }, true, 200],
    [{ subject: "status", op: "==", value: 201 }, false, 200],
    [{ subject: "status", op: "!=", value: 500 }, true, 200],
    [{ subject: "status", op: "!=", value: 200 }, false, 200],
    [{ subject: "status", op: "<", value: 400 }, true, 200],
    [{ subject: "status", op: "<", value: 200 }, false, 200],
    [{ subject: "status", op: "<=", value: 200 }, true, 200],
    [{ subject: "status", op: ">", value: 199 }, true, 200],
    [{ subject: "status", op: ">", value: 200 }, false, 200],
    [{ subject: "status", op: ">=", value: 200 }, true, 200],
    [{ subject: "status", op: ">=", value: 201 }, false, 200],
    [{ subject: "status", op: ">=", value: "abc" }, false, 200],
    [{ subject: "status", op: "in", value: [200, 204] }, true, 200],
    [{ subject: "status", op: "in", value: [201, 204] }, false, 200],
    [{ subject: "status", op: "in", value: 200 }, false, 200],
    [{ subject: "status", op: "notIn", value: [500, 503] }, true, 200],
    [{ subject: "status", op: "notIn", value: [200] }, false, 200],
    [{ subject: "status", op: "notIn", value: 500 }, false, 200],
    [{ subject: "status", op: "exists" }, true, 200],
    [{ subject: "status", op: "notExists" }, false, 200],
    [{ subject: "status", op: "contains", value: 2 }, false, 200],
    [{ subject: "status", op: "notContains", value: 2 }, false, 200],
    [{ subject: "status", op: "==" }, false, 200],
  ]);
});

describe("latency", () => {
  runTable([
    [{ subject: "latency.total", op: "<", value: 500 }, true, 123.5],
    [{ subject: "latency.total", op: "<", value: 100 }, false, 123.5],
    [{ subject: "latency.total", op: "<=", value: 123.456 }, true, 123.5],
    [{ subject: "latency.dns", op: "<", value: 2 }, true, 1.2],
    [{ subject: "latency.connect", op: ">", value: 10 }, true, 10],
    [{ subject: "latency.tls", op: ">=", value: 20.55 }, true, 20.6],
    [{ subject: "latency.firstByte", op: "==", value: 80 }, true, 80],
    [{ subject: "latency.firstByte", op: "in", value: [80, 90] }, true, 80],
  ]);

  it("fails with actual null when the phase did not happen", () => {
    const verdict = judgeOne({ subject: "latency.tls", op: "<", value: 500 }, { timings: { total: 5 } });
    expect(verdict).toStrictEqual({
      assertion: "latency.tls < 500",
      ok: false,
      severity: "hard",
      actual: null,
    });
    expect(judgeOne({ subject: "latency.tls", op: "notExists" }, { timings: { total: 5 } }).ok).toBe(true);
  });
});

describe("body", () => {
  runTable([
    [{ subject: "body", op: "contains", value: '"status":"OK"' }, true, BODY_CUT],
    [{ subject: "body", op: "contains", value: '"STATUS":"ok"' }, true, BODY_CUT],
    [{ subject: "body", op: "contains", value: '"STATUS":"ok"', caseSensitive: true }, false, BODY_CUT],
    [{ subject: "body", op: "contains", value: '"status":"OK"', caseSensitive: true }, true, BODY_CUT],
    [{ subject: "body", op: "contains", value: "nope" }, false, BODY_CUT],
    [{ subject: "body", op: "contains", value: ["alpha", "BETA"] }, true, BODY_CUT],
    [{ subject: "body", op: "contains", value: ["alpha", "gamma"] }, false, BODY_CUT],
    [{ subject: "body", op: "contains", value: 0.5 }, true, BODY_CUT],
    [{ subject: "body", op: "contains", value: true }, false, BODY_CUT],
    [{ subject: "body", op: "notContains", value: "error!" }, true, BODY_CUT],
    [{ subject: "body", op: "notContains", value: "ERROR" }, false, BODY_CUT],
    [{ subject: "body", op: "notContains", value: "ERROR", caseSensitive: true }, true, BODY_CUT],
    [{ subject: "body", op: "notContains", value: ["fatal", "panic"] }, true, BODY_CUT],
    [{ subject: "body", op: "notContains", value: ["fatal", "alpha"] }, false, BODY_CUT],
    [{ subject: "body", op: "==", value: BODY.toUpperCase() }, true, BODY_CUT],
    [{ subject: "body", op: "==", value: BODY.toUpperCase(), caseSensitive: true }, false, BODY_CUT],
    [{ subject: "body", op: "!=", value: "x" }, true, BODY_CUT],
    [{ subject: "body", op: ">", value: 1 }, false, BODY_CUT],
    [{ subject: "body", op: "exists" }, true, BODY_CUT],
  ]);

  it("cuts the body in the verdict", () => {
    const body = "z".repeat(5000);
    expect(
      judgeOne({ subject: "body", op: "contains", value: "q" }, { timings: { total: 1 }, body }).actual,
    ).toBe(`${"z".repeat(119)}…`);
  });

  it("fails when the body was not read", () => {
    const verdict = judgeOne({ subject: "body", op: "notContains", value: "x" }, { timings: { total: 1 } });
    expect(verdict.ok).toBe(false);
    expect(verdict.actual).toBeNull();
  });
});

describe("header", () => {
  runTable([
    [
      { subject: "header", path: "content-type", op: "contains", value: "json" },
      true,
      "application/json; charset=utf-8",
    ],
    [
      { subject: "header", path: "Content-Type", op: "contains", value: "JSON" },
      true,
      "application/json; charset=utf-8",
    ],
    [
      { subject: "header", path: "content-type", op: "contains", value: "JSON", caseSensitive: true },
      false,
      "application/json; charset=utf-8",
    ],
    [
      { subject: "header", path: "content-type", op: "notContains", value: "html" },
      true,
      "application/json; charset=utf-8",
    ],
    [{ subject: "header", path: "content-length", op: "==", value: 42 }, true, "42"],
    [{ subject: "header", path: "content-length", op: "<", value: 100 }, true, "42"],
    [{ subject: "header", path: "content-length", op: ">", value: 100 }, false, "42"],
    [{ subject: "header", path: "content-length", op: "in", value: [41, 42] }, true, "42"],
    [{ subject: "header", path: "x-flag", op: "==", value: "TRUE" }, true, "true"],
    [{ subject: "header", path: "x-flag", op: "<", value: 1 }, false, "true"],
    [{ subject: "header", path: "x-flag", op: "exists" }, true, "true"],
    [{ subject: "header", path: "x-missing", op: "exists" }, false, null],
    [{ subject: "header", path: "x-missing", op: "notExists" }, true, null],
    [{ subject: "header", path: "x-missing", op: "notContains", value: "a" }, false, null],
    [{ subject: "header", path: "constructor", op: "exists" }, false, null],
    [{ subject: "header", path: "__proto__", op: "notExists" }, true, null],
    [{ subject: "header", op: "exists" }, false, null],
  ]);

  it("finds headers whose stored name is not lowercased", () => {
    const obs: Observation = { timings: { total: 1 }, headers: { "X-Request-Id": "abc" } };
    expect(judgeOne({ subject: "header", path: "x-request-id", op: "==", value: "abc" }, obs).ok).toBe(true);
  });

  it("does not treat hex or empty header values as numbers", () => {
    const obs: Observation = { timings: { total: 1 }, headers: { a: "0x10", b: "" } };
    expect(judgeOne({ subject: "header", path: "a", op: "==", value: 16 }, obs).ok).toBe(false);
    expect(judgeOne({ subject: "header", path: "b", op: "==", value: 0 }, obs).ok).toBe(false);
  });
});

describe("cert", () => {
  runTable([
    [{ subject: "cert.daysLeft", op: ">", value: 14 }, true, 30],
    [{ subject: "cert.daysLeft", op: ">", value: 30 }, false, 30],
    [{ subject: "cert.daysLeft", op: "<=", value: 30 }, true, 30],
    [{ subject: "cert.hostnameMatch", op: "==", value: true }, true, true],
    [{ subject: "cert.hostnameMatch", op: "!=", value: true }, false, true],
    [{ subject: "cert.chainValid", op: "==", value: true }, false, false],
    [{ subject: "cert.chainValid", op: "==", value: false }, true, false],
    [{ subject: "cert.chainValid", op: "exists" }, true, false],
  ]);

  it("fails with actual null when there is no certificate", () => {
    const plain: Observation = { timings: { total: 1 }, statusCode: 200 };
    expect(judgeOne({ subject: "cert.daysLeft", op: ">", value: 14 }, plain)).toStrictEqual({
      assertion: "cert.daysLeft > 14",
      ok: false,
      severity: "hard",
      actual: null,
    });
    expect(judgeOne({ subject: "cert.hostnameMatch", op: "!=", value: false }, plain).ok).toBe(false);
    expect(judgeOne({ subject: "cert.chainValid", op: "notExists" }, plain).ok).toBe(true);
  });
});

describe("dns.answers", () => {
  const answers = '["1.2.3.4","5.6.7.8","Mail.Example.com"]';
  runTable([
    [{ subject: "dns.answers", op: "contains", value: "1.2.3.4" }, true, answers],
    [{ subject: "dns.answers", op: "contains", value: "1.2.3" }, false, answers],
    [{ subject: "dns.answers", op: "contains", value: ["5.6.7.8", "1.2.3.4"] }, true, answers],
    [{ subject: "dns.answers", op: "contains", value: ["1.2.3.4", "9.9.9.9"] }, false, answers],
    [{ subject: "dns.answers", op: "contains", value: "mail.example.com" }, true, answers],
    [
      { subject: "dns.answers", op: "contains", value: "mail.example.com", caseSensitive: true },
      false,
      answers,
    ],
    [{ subject: "dns.answers", op: "notContains", value: "9.9.9.9" }, true, answers],
    [{ subject: "dns.answers", op: "notContains", value: ["9.9.9.9", "1.2.3.4"] }, false, answers],
    [{ subject: "dns.answers", op: "==", value: ["1.2.3.4", "5.6.7.8", "mail.example.com"] }, true, answers],
    [{ subject: "dns.answers", op: "exists" }, true, answers],
  ]);

  it("fails when the probe reported no answers field", () => {
    expect(
      judgeOne({ subject: "dns.answers", op: "contains", value: "1.2.3.4" }, { timings: { total: 1 } }).ok,
    ).toBe(false);
    expect(
      judgeOne(
        { subject: "dns.answers", op: "notContains", value: "1.2.3.4" },
        { timings: { total: 1 }, dnsAnswers: [] },
      ).ok,
    ).toBe(true);
  });
});
