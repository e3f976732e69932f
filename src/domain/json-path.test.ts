import { describe, expect, it } from "vitest";
import {
  evaluateJsonPath,
  JsonPathError,
  MAX_JSON_PATH_LENGTH,
  MAX_JSON_PATH_SEGMENTS,
  parseJsonPath,
} from "./json-path.ts";

const doc = JSON.parse(
  '{"status":"ok","data":{"items":[{"id":1,"name":"a"},{"id":2,"name":"b"}],"count":2},' +
    '"weird key":{"it\'s":true},"nil":null,"$ref":"#/x","kebab-case":5,"":"empty"}',
) as unknown;

describe("parseJsonPath: accepted subset", () => {
  it.each([
    ["$", []],
    ["$.status", [{ kind: "key", key: "status" }]],
    ["$['status']", [{ kind: "key", key: "status" }]],
    ['$["status"]', [{ kind: "key", key: "status" }]],
    ["$[0]", [{ kind: "index", index: 0 }]],
    ["$[-1]", [{ kind: "index", index: -1 }]],
    ["$[-0]", [{ kind: "index", index: 0 }]],
    [
      "$.data.items[1].name",
      [
        { kind: "key", key: "data" },
        { kind: "key", key: "items" },
        { kind: "index", index: 1 },
        { kind: "key", key: "name" },
      ],
    ],
    [
      "$['weird key']['it\\'s']",
      [
        { kind: "key", key: "weird key" },
        { kind: "key", key: "it's" },
      ],
    ],
    ['$["a\\"b\\\\c"]', [{ kind: "key", key: 'a"b\\c' }]],
    ["$.$ref", [{ kind: "key", key: "$ref" }]],
    ["$.kebab-case", [{ kind: "key", key: "kebab-case" }]],
    ["$._x1", [{ kind: "key", key: "_x1" }]],
    ["$['']", [{ kind: "key", key: "" }]],
    ["$['a.b[0]']", [{ kind: "key", key: "a.b[0]" }]],
  ])("%s", (path, segments) => {
    expect(parseJsonPath(path)).toEqual(segments);
  });
});

describe("parseJsonPath: rejected paths say what and where", () => {
  it.each([
    ["", 'Invalid JSON path: a path must start with "$" (at offset 0)'],
    ["status", 'Invalid JSON path: a path must start with "$" (at offset 0)'],
    ["$..name", 'Invalid JSON path: recursive descent ".." is not supported (at offset 1)'],
    ["$.a..b", 'Invalid JSON path: recursive descent ".." is not supported (at offset 3)'],
    ["$.*", "Invalid JSON path: wildcards are not supported (at offset 2)"],
    ["$[*]", "Invalid JSON path: wildcards are not supported (at offset 2)"],
    ["$.items[?(@.id==1)]", "Invalid JSON path: filter expressions are not supported (at offset 8)"],
    ["$[(@.length-1)]", "Invalid JSON path: script expressions are not supported (at offset 2)"],
    ["$[0:2]", "Invalid JSON path: slices are not supported (at offset 3)"],
    ["$[:2]", "Invalid JSON path: slices are not supported (at offset 2)"],
    ["$[0,1]", "Invalid JSON path: unions are not supported (at offset 3)"],
    ["$.", 'Invalid JSON path: expected a name after "." (at offset 2)'],
    [
      "$.0",
      `Invalid JSON path: unexpected "0" after "."; use ['…'] for names with other characters (at offset 2)`,
    ],
    ["$[", 'Invalid JSON path: missing "]" (at offset 1)'],
    ["$[1", 'Invalid JSON path: missing "]" (at offset 1)'],
    ["$['a'", 'Invalid JSON path: missing "]" (at offset 1)'],
    ["$['a", "Invalid JSON path: unterminated quoted name (at offset 2)"],
    [
      "$['a\\n']",
      "Invalid JSON path: only \\' \\\" and \\\\ escapes are supported in quoted names (at offset 4)",
    ],
    ["$[ 1]", "Invalid JSON path: expected a quoted name or an integer index inside [ ] (at offset 2)"],
    ["$[1.5]", 'Invalid JSON path: unexpected "."; expected "]" (at offset 3)'],
    ["$ .a", 'Invalid JSON path: unexpected " "; expected "." or "[" (at offset 1)'],
    ["$.a b", 'Invalid JSON path: unexpected " "; expected "." or "[" (at offset 3)'],
    ["$[99999999999999999999]", "Invalid JSON path: index is too large (at offset 2)"],
  ])("%s", (path, message) => {
    expect(() => parseJsonPath(path)).toThrow(message);
  });

  it("throws a VALIDATION JsonPathError carrying the offset", () => {
    try {
      parseJsonPath("$.a..b");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JsonPathError);
      expect(error).toBeInstanceOf(Error);
      expect((error as JsonPathError).code).toBe("VALIDATION");
      expect((error as JsonPathError).position).toBe(3);
    }
  });

  it("limits length to 256 characters", () => {
    const long = `$['${"x".repeat(MAX_JSON_PATH_LENGTH - 5)}']`;
    expect(long.length).toBe(MAX_JSON_PATH_LENGTH);
    expect(parseJsonPath(long)).toHaveLength(1);
    expect(() => parseJsonPath(`${long}x`)).toThrow("Invalid JSON path: longer than 256 characters");
  });

  it("limits the number of segments to 32", () => {
    expect(MAX_JSON_PATH_SEGMENTS).toBe(32);
    expect(parseJsonPath("$" + "[0]".repeat(32))).toHaveLength(32);
    expect(() => parseJsonPath("$" + "[0]".repeat(33))).toThrow(
      "Invalid JSON path: more than 32 segments (at offset 97)",
    );
  });
});

describe("evaluateJsonPath", () => {
  it.each([
    ["$.status", "ok"],
    ["$['status']", "ok"],
    ["$.data.count", 2],
    ["$.data.items[0].id", 1],
    ["$.data.items[1].name", "b"],
    ["$.data.items[-1].name", "b"],
    ["$.data.items[-2].id", 1],
    ["$['weird key'][\"it's\"]", true],
    ["$.nil", null],
    ["$.$ref", "#/x"],
    ["$.kebab-case", 5],
    ["$['']", "empty"],
  ])("%s finds %j", (path, value) => {
    expect(evaluateJsonPath(doc, path)).toEqual({ found: true, value });
  });

  it("$ returns the whole document", () => {
    expect(evaluateJsonPath(doc, "$")).toEqual({ found: true, value: doc });
    expect(evaluateJsonPath(7, "$")).toEqual({ found: true, value: 7 });
  });

  it.each([
    "$.missing",
    "$.status.length",
    "$.data.items[2]",
    "$.data.items[-3]",
    "$.data.items.length",
    "$.data.items['0']",
    "$.data[0]",
    "$.nil.x",
    "$.status[0]",
    "$.data.count.toFixed",
  ])("%s is not found", (path) => {
    expect(evaluateJsonPath(doc, path)).toEqual({ found: false });
  });

  it.each([
    "$.__proto__",
    "$.constructor",
    "$.prototype",
    "$.toString",
    "$.hasOwnProperty",
    "$.constructor.prototype",
    "$['__proto__']['polluted']",
    "$.data.items.constructor",
    "$.data.items[0].__proto__",
  ])("never walks the prototype chain: %s is not found", (path) => {
    expect(evaluateJsonPath(doc, path)).toEqual({ found: false });
    expect(evaluateJsonPath({}, path)).toEqual({ found: false });
  });

  it("reads an own __proto__ key from parsed JSON as data, not as the prototype", () => {
    const parsed = JSON.parse('{"__proto__":{"x":1}}') as unknown;
    expect(evaluateJsonPath(parsed, "$.__proto__.x")).toEqual({ found: true, value: 1 });
    expect(evaluateJsonPath(parsed, "$.__proto__.constructor")).toEqual({ found: false });
  });

  it("never runs getters", () => {
    let calls = 0;
    const target = {
      get secret(): string {
        calls += 1;
        return "leak";
      },
    };
    expect(evaluateJsonPath(target, "$.secret")).toEqual({ found: false });
    expect(calls).toBe(0);
  });

  it("propagates parse errors", () => {
    expect(() => evaluateJsonPath(doc, "$..status")).toThrow(JsonPathError);
  });
});
