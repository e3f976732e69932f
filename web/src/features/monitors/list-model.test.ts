import { describe, expect, it } from "vitest";
import {
  buildRows,
  chunks,
  formatUptime,
  groupKey,
  type Monitor,
  matchesFilter,
  sameNameOrder,
  selectionOf,
  selectRange,
  sortMonitors,
  toggleAll,
  toggleSelected,
} from "./list-model.ts";

const m = (id: string, name: string, state: Monitor["state"], tags: string[] = [], type = "http"): Monitor =>
  ({
    id,
    name,
    state,
    tags,
    type,
    stateSince: "2026-01-01T00:00:00.000Z",
    parents: [],
  }) as unknown as Monitor;

const list = [
  m("mon_3", "web 10", "up", ["prod", "eu"]),
  m("mon_2", "web 9", "down", ["prod"]),
  m("mon_1", "batch", "paused", [], "tcp"),
];

describe("filtering and sorting", () => {
  it("matches every part of the filter, name case-insensitively", () => {
    expect(list.filter((x) => matchesFilter(x, { q: "WEB" })).map((x) => x.id)).toEqual(["mon_3", "mon_2"]);
    expect(list.filter((x) => matchesFilter(x, { state: "down" })).map((x) => x.id)).toEqual(["mon_2"]);
    expect(list.filter((x) => matchesFilter(x, { tag: "eu", type: "http" })).map((x) => x.id)).toEqual([
      "mon_3",
    ]);
    expect(list.filter((x) => matchesFilter(x, { type: "tcp", q: "web" }))).toEqual([]);
  });

  it("sorts by name (numbers in order), worst state first, or lowest uptime first", () => {
    expect(sortMonitors(list, "newest")).toBe(list);
    expect(sortMonitors(list, "name").map((x) => x.name)).toEqual(["batch", "web 9", "web 10"]);
    expect(sortMonitors(list, "state").map((x) => x.state)).toEqual(["down", "paused", "up"]);
    const uptime: Record<string, number | null> = { mon_3: 0.5, mon_2: 0.99, mon_1: null };
    expect(sortMonitors(list, "uptime", (id) => uptime[id]).map((x) => x.id)).toEqual([
      "mon_3",
      "mon_2",
      "mon_1",
    ]);
  });

  it("formats uptime without rounding a failure up to 100 %", () => {
    expect(formatUptime(1)).toBe("100 %");
    expect(formatUptime(0.99999)).toBe("99.99 %");
    expect(formatUptime(0.9512)).toBe("95.12 %");
    expect(formatUptime(null)).toBe("–");
  });
});

describe("groups by tag", () => {
  it("puts a monitor under each of its tags, tags in order, untagged last", () => {
    const rows = buildRows(list, true, new Set());
    expect(rows.map((r) => (r.kind === "group" ? `# ${r.tag} ${r.count}/${r.down}` : r.monitor.id))).toEqual([
      "# eu 1/0",
      "mon_3",
      "# prod 2/1",
      "mon_3",
      "mon_2",
      "# null 1/0",
      "mon_1",
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it("keeps only the header of a collapsed group", () => {
    const rows = buildRows(list, true, new Set([groupKey("prod"), groupKey(null)]));
    expect(
      rows.map((r) => (r.kind === "group" ? `# ${r.tag}${r.collapsed ? " (closed)" : ""}` : r.monitor.id)),
    ).toEqual(["# eu", "mon_3", "# prod (closed)", "# null (closed)"]);
  });

  it("is a flat list when not grouped", () => {
    expect(buildRows(list, false, new Set()).map((r) => r.key)).toEqual(["mon_3", "mon_2", "mon_1"]);
  });
});

describe("bulk selection", () => {
  const shown = ["a", "b", "c", "d", "e"];

  it("toggles one, and shift-selects a range either way", () => {
    let s = toggleSelected(new Set(), "b");
    expect([...s]).toEqual(["b"]);
    s = selectRange(s, shown, "b", "d");
    expect([...s].sort()).toEqual(["b", "c", "d"]);
    s = selectRange(s, shown, "d", "c");
    expect([...s].sort()).toEqual(["b"]);
    expect([...selectRange(new Set(), shown, undefined, "e")]).toEqual(["e"]);
  });

  it("selects all in view, keeps selections outside it, and clears only the view", () => {
    const outside = new Set(["z"]);
    const all = toggleAll(outside, shown);
    expect(selectionOf(all, shown)).toBe("all");
    expect(all.has("z")).toBe(true);
    expect(selectionOf(new Set(["a"]), shown)).toBe("some");
    const cleared = toggleAll(all, shown);
    expect([...cleared]).toEqual(["z"]);
    expect(selectionOf(cleared, shown)).toBe("none");
    expect(selectionOf(new Set(), [])).toBe("none");
  });

  it("sends a large selection in chunks the server takes", () => {
    const ids = Array.from({ length: 1201 }, (_, i) => `m${i}`);
    expect(chunks(ids, 500).map((c) => c.length)).toEqual([500, 500, 201]);
  });
});

describe("sameNameOrder", () => {
  it("keeps the previous order with the new versions when only states changed", () => {
    const previous = sortMonitors(
      [m("b", "web-10", "up"), m("a", "web-2", "up"), m("c", "api", "up")],
      "name",
    );
    expect(previous.map((x) => x.id)).toEqual(["c", "a", "b"]);
    const next = [m("b", "web-10", "down"), m("a", "web-2", "up"), m("c", "api", "up")];
    const out = sameNameOrder(previous, next)!;
    expect(out.map((x) => x.id)).toEqual(["c", "a", "b"]);
    expect(out[2]!.state).toBe("down");
    expect(out[2]).toBe(next[0]);
  });
  it("gives up (so the list is sorted again) when a name, a monitor or the count changed", () => {
    const previous = sortMonitors([m("a", "x", "up"), m("b", "y", "up")], "name");
    expect(sameNameOrder(previous, [m("a", "x", "up"), m("b", "z", "up")])).toBeUndefined();
    expect(sameNameOrder(previous, [m("a", "x", "up"), m("c", "y", "up")])).toBeUndefined();
    expect(sameNameOrder(previous, [m("a", "x", "up")])).toBeUndefined();
    expect(sameNameOrder(previous, [m("a", "x", "up"), m("a", "x", "up")])).toBeUndefined();
    expect(sameNameOrder(undefined, [m("a", "x", "up")])).toBeUndefined();
  });
});
