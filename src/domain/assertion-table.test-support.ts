/** Shared helpers of the assertion tests (not a test file itself). */
import { expect, it } from "vitest";
import type { Assertion, AssertionVerdict } from "./assertion.ts";
import { judgeAssertions } from "./assertions.ts";
import type { Observation } from "./check-result.ts";
import type { CheckSpec } from "./monitor.ts";

export type Bare = Omit<Assertion, "severity">;
export type Row = [Bare, boolean, AssertionVerdict["actual"]];

export const BODY = JSON.stringify({
  status: "OK",
  count: 3,
  ratio: 0.5,
  version: "2",
  healthy: true,
  error: null,
  tags: ["Alpha", "beta", 7],
  nested: { deep: [{ v: "x" }] },
});

// The verdict keeps 119 characters of the body plus an ellipsis.
export const BODY_CUT =
  '{"status":"OK","count":3,"ratio":0.5,"version":"2","healthy":true,"error":null,"tags":["Alpha","beta",7],"nested":{"dee…';

/** A tcp spec has no implied assertions, so the verdict is exactly the one under test. */
export function tcpSpec(assertions: Assertion[]): CheckSpec {
  return {
    type: "tcp",
    monitorId: "mon_1",
    organizationId: "org_1",
    target: "h:1",
    timeoutMs: 1000,
    assertions,
  };
}

/** Judges one hard assertion against `obs` and returns its verdict. */
export function judgeOne(a: Bare, obs: Observation): AssertionVerdict {
  const { verdicts } = judgeAssertions(tcpSpec([{ ...a, severity: "hard" }]).assertions, obs);
  expect(verdicts).toHaveLength(1);
  return verdicts[0]!;
}

/** One test per row: the assertion, whether it holds against `obs`, and the actual value shown. */
export function runTable(obs: Observation, rows: Row[]): void {
  it.each(rows)("%j → ok=%s actual=%j", (a, ok, actual) => {
    const verdict = judgeOne(a, obs);
    expect(verdict.ok).toBe(ok);
    expect(verdict.actual).toStrictEqual(actual);
  });
}
