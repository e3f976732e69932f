import { describe, expect, it } from "vitest";
import type { Assertion } from "./assertion.ts";
import { describeAssertion, MAX_ACTUAL_CHARS, renderActual, truncateText } from "./assertion-text.ts";

function hard(a: Omit<Assertion, "severity">): Assertion {
  return { ...a, severity: "hard" };
}

describe("describeAssertion", () => {
  it.each<[Omit<Assertion, "severity">, string]>([
    [{ subject: "status", op: "in", value: [200, 204] }, "status in [200,204]"],
    [{ subject: "status", op: "notIn", value: [500, 502] }, "status notIn [500,502]"],
    [{ subject: "status", op: "<", value: 400 }, "status < 400"],
    [{ subject: "status", op: ">=", value: 200 }, "status >= 200"],
    [{ subject: "latency.total", op: "<", value: 500 }, "latency.total < 500"],
    [{ subject: "latency.firstByte", op: "<=", value: 250.5 }, "latency.firstByte <= 250.5"],
    [{ subject: "json", path: "$.status", op: "==", value: "ok" }, 'json $.status == "ok"'],
    [{ subject: "json", path: "$.count", op: "!=", value: 0 }, "json $.count != 0"],
    [{ subject: "json", path: "$.error", op: "==", value: null }, "json $.error == null"],
    [{ subject: "json", path: "$.data", op: "exists" }, "json $.data exists"],
    [{ subject: "json", path: "$.err", op: "notExists" }, "json $.err notExists"],
    [{ subject: "json", op: "contains", value: "x" }, 'json $ contains "x"'],
    [{ subject: "json", path: "$.tags", op: "in", value: ["a", "b"] }, 'json $.tags in ["a","b"]'],
    [
      { subject: "header", path: "content-type", op: "contains", value: "json" },
      'header content-type contains "json"',
    ],
    [{ subject: "header", path: "x-cache", op: "exists" }, "header x-cache exists"],
    [{ subject: "cert.daysLeft", op: ">", value: 14 }, "cert.daysLeft > 14"],
    [{ subject: "cert.hostnameMatch", op: "==", value: true }, "cert.hostnameMatch == true"],
    [{ subject: "cert.chainValid", op: "!=", value: false }, "cert.chainValid != false"],
    [{ subject: "body", op: "notContains", value: "error" }, 'body notContains "error"'],
    [{ subject: "body", op: "contains", value: 'say "hi"' }, 'body contains "say \\"hi\\""'],
    [
      { subject: "dns.answers", op: "contains", value: ["1.2.3.4", "5.6.7.8"] },
      'dns.answers contains ["1.2.3.4","5.6.7.8"]',
    ],
  ])("%j → %s", (assertion, text) => {
    expect(describeAssertion(hard(assertion))).toBe(text);
  });

  it("marks case-sensitive comparisons", () => {
    expect(
      describeAssertion(hard({ subject: "body", op: "contains", value: "OK", caseSensitive: true })),
    ).toBe('body contains "OK" (case-sensitive)');
    expect(
      describeAssertion(hard({ subject: "body", op: "contains", value: "OK", caseSensitive: false })),
    ).toBe('body contains "OK"');
  });

  it("does not mention severity", () => {
    expect(describeAssertion({ subject: "status", op: "==", value: 200, severity: "soft" })).toBe(
      "status == 200",
    );
  });

  it("omits a value given to exists / notExists", () => {
    expect(describeAssertion(hard({ subject: "json", path: "$.a", op: "exists", value: 1 }))).toBe(
      "json $.a exists",
    );
  });

  it("cuts a long expected string", () => {
    const text = describeAssertion(hard({ subject: "body", op: "contains", value: "k".repeat(500) }));
    expect(text).toBe(`body contains "${"k".repeat(119)}…"`);
  });
});

describe("renderActual", () => {
  it("keeps numbers, booleans and null as they are", () => {
    expect(renderActual(200, "status")).toBe(200);
    expect(renderActual(14.567, "cert.daysLeft")).toBe(14.567);
    expect(renderActual(true, "cert.hostnameMatch")).toBe(true);
    expect(renderActual(false, "json")).toBe(false);
    expect(renderActual(null, "json")).toBeNull();
    expect(renderActual(undefined, "json")).toBeNull();
  });

  it("rounds latency to 0.1 ms", () => {
    expect(renderActual(123.456, "latency.total")).toBe(123.5);
    expect(renderActual(0.04, "latency.dns")).toBe(0);
    expect(renderActual(99.95, "latency.connect")).toBe(100);
    expect(renderActual(12.34, "latency.tls")).toBe(12.3);
    expect(renderActual(7, "latency.firstByte")).toBe(7);
  });

  it("renders non-finite numbers as text", () => {
    expect(renderActual(Number.NaN, "json")).toBe("NaN");
  });

  it("cuts strings to 120 characters", () => {
    expect(renderActual("short", "body")).toBe("short");
    const exact = "x".repeat(MAX_ACTUAL_CHARS);
    expect(renderActual(exact, "body")).toBe(exact);
    const cut = renderActual("y".repeat(10_000), "body");
    expect(cut).toBe(`${"y".repeat(119)}…`);
    expect((cut as string).length).toBe(120);
  });

  it("stringifies and cuts objects and arrays", () => {
    expect(renderActual({ a: 1, b: [true, null] }, "json")).toBe('{"a":1,"b":[true,null]}');
    expect(renderActual(["1.2.3.4", "5.6.7.8"], "dns.answers")).toBe('["1.2.3.4","5.6.7.8"]');
    const big = renderActual({ list: Array.from({ length: 100 }, (_, i) => i) }, "json");
    expect(big).toBe(
      `${'{"list":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,'}…`,
    );
  });

  it("survives values JSON cannot render", () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(renderActual(cyclic, "json")).toBe("[unrenderable value]");
  });
});

describe("truncateText", () => {
  it("does not split a surrogate pair", () => {
    expect(truncateText("a".repeat(118) + "😀" + "b".repeat(10))).toBe(`${"a".repeat(118)}…`);
    expect(truncateText("a".repeat(117) + "😀" + "b".repeat(10))).toBe(`${"a".repeat(117)}😀…`);
  });
});
