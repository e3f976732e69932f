import { describe, expect, it } from "vitest";
import { graphNodes, layeredLayout } from "./layout.ts";

const n = (id: string, parents: string[] = [], tags: string[] = []) => ({ id, name: id, parents, tags });

describe("dependency map layout", () => {
  it("puts each monitor one layer right of its deepest parent", () => {
    const nodes = [n("app", ["db", "cache"]), n("db"), n("cache", ["db"]), n("web", ["app"])];
    const { placed } = layeredLayout(nodes);
    const layer = (id: string) => placed.get(id)!.layer;
    expect([layer("db"), layer("cache"), layer("app"), layer("web")]).toEqual([0, 1, 2, 3]);
    expect(placed.get("web")!.x).toBeGreaterThan(placed.get("app")!.x);
  });

  it("orders a layer near its parents and survives a cycle", () => {
    const nodes = [n("a"), n("b"), n("b1", ["b"]), n("a1", ["a"])];
    const { placed } = layeredLayout(nodes);
    expect(placed.get("a1")!.order).toBeLessThan(placed.get("b1")!.order);
    const cyclic = layeredLayout([n("x", ["y"]), n("y", ["x"])]);
    expect(cyclic.placed.size).toBe(2);
  });

  it("draws only linked monitors, within the tag filter", () => {
    const monitors = [
      n("db", [], ["prod"]),
      n("app", ["db"], ["prod"]),
      n("lonely", [], ["prod"]),
      n("dev", ["db"], ["dev"]),
    ];
    expect(graphNodes(monitors).map((m) => m.id)).toEqual(["db", "app", "dev"]);
    expect(graphNodes(monitors, "prod").map((m) => m.id)).toEqual(["db", "app"]);
    expect(graphNodes(monitors, "dev")).toEqual([]);
  });
});
