/** A node of the dependency graph as the map draws it. */
export interface GraphNode {
  id: string;
  name: string;
  parents: string[];
}

export interface Placed {
  id: string;
  layer: number;
  order: number;
  x: number;
  y: number;
}

export const NODE_W = 180;
export const NODE_H = 44;
const GAP_X = 70;
const GAP_Y = 18;

/**
 * A layered layout: each node's layer is the longest path from a root (parents left, dependents
 * right, so a failing parent sits left of everything it takes down); within a layer, nodes sit
 * near the average position of their parents, then by name. Parents outside `nodes` are ignored;
 * a cycle (the server refuses them) cannot loop: a node on one gets the layer reached so far.
 */
export function layeredLayout(nodes: GraphNode[]): {
  placed: Map<string, Placed>;
  width: number;
  height: number;
} {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const parents = byId.get(id)?.parents.filter((p) => byId.has(p)) ?? [];
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map(depth));
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  for (const n of nodes) depth(n.id);
  const layers: GraphNode[][] = [];
  for (const n of nodes) {
    const l = layer.get(n.id)!;
    if (!layers[l]) layers[l] = [];
    layers[l].push(n);
  }
  const placed = new Map<string, Placed>();
  let tallest = 0;
  layers.forEach((members = [], l) => {
    const centre = (n: GraphNode) => {
      const ys = n.parents.flatMap((p) => {
        const at = placed.get(p);
        return at ? [at.order] : [];
      });
      return ys.length === 0 ? Number.POSITIVE_INFINITY : ys.reduce((a, b) => a + b, 0) / ys.length;
    };
    const sorted = [...members].sort((a, b) => centre(a) - centre(b) || a.name.localeCompare(b.name));
    sorted.forEach((n, order) => {
      placed.set(n.id, { id: n.id, layer: l, order, x: l * (NODE_W + GAP_X), y: order * (NODE_H + GAP_Y) });
    });
    tallest = Math.max(tallest, sorted.length);
  });
  return {
    placed,
    width: Math.max(1, layers.length) * (NODE_W + GAP_X) - GAP_X,
    height: Math.max(1, tallest) * (NODE_H + GAP_Y) - GAP_Y,
  };
}

/** The monitors the map draws: those with a parent or a dependent (after the tag filter). */
export function graphNodes<T extends GraphNode & { tags: string[] }>(monitors: T[], tag?: string): T[] {
  const shown = tag ? monitors.filter((m) => m.tags.includes(tag)) : monitors;
  const ids = new Set(shown.map((m) => m.id));
  const linked = new Set<string>();
  for (const m of shown) {
    for (const p of m.parents) {
      if (!ids.has(p)) continue;
      linked.add(m.id);
      linked.add(p);
    }
  }
  return shown.filter((m) => linked.has(m.id));
}
