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

const OBS: Observation = { timings: { total: 1 }, statusCode: 200, body: BODY };

function runTable(rows: Row[]): void {
  runSharedTable(OBS, rows);
}

const judgeOne = (a: Bare, obs: Observation = OBS) => judgeOneAgainst(a, obs);

describe("json", () => {
  runTable([
    [{ subject: "json", path: "$.status", op: "==", value: "ok" }, true, "OK"],
    [{ subject: "json", path: "$.status", op: "==", value: "ok", caseSensitive: true }, false, "OK"],
    [{ subject: "json", path: "$.status", op: "!=", value: "down" }, true, "OK"],
    [{ subject: "json", path: "$.count", op: "==", value: 3 }, true, 3],
    [{ subject: "json", path: "$.count", op: "==", value: "3" }, true, 3],
    [{ subject: "json", path: "$.version", op: "==", value: 2 }, true, "2"],
    [{ subject: "json", path: "$.version", op: ">", value: 1 }, true, "2"],
    [{ subject: "json", path: "$.count", op: "<", value: 3 }, false, 3],
    [{ subject: "json", path: "$.ratio", op: "<=", value: 0.5 }, true, 0.5],
    [{ subject: "json", path: "$.status", op: ">", value: 0 }, false, "OK"],
    [{ subject: "json", path: "$.healthy", op: "==", value: true }, true, true],
    [{ subject: "json", path: "$.healthy", op: "==", value: false }, false, true],
    [{ subject: "json", path: "$.healthy", op: "==", value: "TRUE" }, true, true],
    [{ subject: "json", path: "$.healthy", op: "==", value: 1 }, false, true],
    [{ subject: "json", path: "$.healthy", op: ">", value: 0 }, false, true],
    [{ subject: "json", path: "$.error", op: "==", value: null }, true, null],
    [{ subject: "json", path: "$.error", op: "exists" }, true, null],
    [{ subject: "json", path: "$.count", op: "==", value: null }, false, 3],
    [{ subject: "json", path: "$.missing", op: "exists" }, false, null],
    [{ subject: "json", path: "$.missing", op: "notExists" }, true, null],
    [{ subject: "json", path: "$.missing", op: "!=", value: "x" }, false, null],
    [{ subject: "json", path: "$.__proto__", op: "exists" }, false, null],
    [{ subject: "json", path: "$.constructor", op: "notExists" }, true, null],
    [{ subject: "json", path: "$.status", op: "in", value: ["ok", "degraded"] }, true, "OK"],
    [{ subject: "json", path: "$.count", op: "notIn", value: [1, 2] }, true, 3],
    [{ subject: "json", path: "$.tags", op: "contains", value: "alpha" }, true, '["Alpha","beta",7]'],
    [
      { subject: "json", path: "$.tags", op: "contains", value: "alpha", caseSensitive: true },
      false,
      '["Alpha","beta",7]',
    ],
    [{ subject: "json", path: "$.tags", op: "contains", value: 7 }, true, '["Alpha","beta",7]'],
    [{ subject: "json", path: "$.tags", op: "contains", value: ["beta", 7] }, true, '["Alpha","beta",7]'],
    [{ subject: "json", path: "$.tags", op: "contains", value: ["beta", 8] }, false, '["Alpha","beta",7]'],
    [{ subject: "json", path: "$.tags", op: "notContains", value: "gamma" }, true, '["Alpha","beta",7]'],
    [{ subject: "json", path: "$.tags", op: "notContains", value: "BETA" }, false, '["Alpha","beta",7]'],
    [{ subject: "json", path: "$.tags", op: "==", value: ["alpha", "beta", 7] }, true, '["Alpha","beta",7]'],
    [{ subject: "json", path: "$.tags", op: "==", value: ["alpha", "beta"] }, false, '["Alpha","beta",7]'],
    [{ subject: "json", path: "$.status", op: "contains", value: "k" }, true, "OK"],
    [{ subject: "json", path: "$.count", op: "contains", value: 3 }, false, 3],
    [{ subject: "json", path: "$.nested", op: "contains", value: "deep" }, false, '{"deep":[{"v":"x"}]}'],
    [{ subject: "json", path: "$.nested", op: "notContains", value: "deep" }, false, '{"deep":[{"v":"x"}]}'],
    [{ subject: "json", path: "$.nested.deep[-1].v", op: "==", value: "x" }, true, "x"],
    [{ subject: "json", path: "$.nested", op: "==", value: "x" }, false, '{"deep":[{"v":"x"}]}'],
    [{ subject: "json", path: "$.nested", op: "!=", value: "x" }, true, '{"deep":[{"v":"x"}]}'],
    [{ subject: "json", path: "$..status", op: "exists" }, false, "invalid JSON path"],
    [{ subject: "json", op: "contains", value: "status" }, false, BODY_CUT],
  ]);

  it("fails every json assertion on invalid JSON, even notExists", () => {
    const obs: Observation = { timings: { total: 1 }, body: "<html>oops</html>" };
    for (const a of [
      { subject: "json", path: "$.a", op: "exists" },
      { subject: "json", path: "$.a", op: "notExists" },
      { subject: "json", path: "$.a", op: "!=", value: 1 },
    ] satisfies Bare[]) {
      expect(judgeOne(a, obs)).toMatchObject({ ok: false, actual: "invalid JSON" });
    }
  });

  it("says when invalid JSON comes from a truncated body", () => {
    const obs: Observation = { timings: { total: 1 }, body: '{"a":', bodyTruncated: true };
    expect(judgeOne({ subject: "json", path: "$.a", op: "exists" }, obs).actual).toBe(
      "invalid JSON (body truncated)",
    );
  });

  it("treats an empty body as invalid JSON and a missing body as missing", () => {
    const a: Bare = { subject: "json", path: "$.a", op: "exists" };
    expect(judgeOne(a, { timings: { total: 1 }, body: "" }).actual).toBe("invalid JSON");
    expect(judgeOne(a, { timings: { total: 1 } })).toMatchObject({ ok: false, actual: null });
  });
});
