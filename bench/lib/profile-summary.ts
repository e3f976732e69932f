import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const IDLE = new Set(["(idle)", "(program)"]);

interface Profile {
  nodes: ProfileNode[];
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Samples per node in the profile's last `seconds` (the measured window ends just before exit). */
function hitsInTail(profile: Profile, seconds: number): Map<number, number> {
  const hits = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const stamps: number[] = [];
  let t = 0;
  for (const d of deltas) {
    t += d;
    stamps.push(t);
  }
  const last = stamps.at(-1) ?? 0;
  const from = last - seconds * 1e6;
  samples.forEach((id, i) => {
    if ((stamps[i] ?? 0) >= from) hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  return hits;
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\/.*?node_modules\//, "")
    .replace(/^file:\/\/.*?\/(src|bench)\//, "$1/")
    .replace(/^wasm:\/\/.*/, "wasm");
}

/** Where a frame's time goes, coarsely: PGlite's WASM, a package, our code, Node internals. */
function categoryOf(fn: string, url: string): string {
  if (url.startsWith("wasm://") || fn.startsWith("wasm-function")) return "PGlite (WASM)";
  if (fn === "(garbage collector)") return "GC";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const ours = /\/(src|bench)\/([^/]+)\//.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (url.startsWith("node:")) return url.replace(/^node:(internal\/)?/, "node:").split("/")[0] ?? url;
  return "native / other";
}

/**
 * The busiest functions and areas of a V8 .cpuprofile by self time, as a share of the busy
 * (non-idle) samples, over the whole profile or its last `lastSeconds`. Usable alone:
 * node --import tsx bench/lib/profile-summary.ts file.cpuprofile [lastSeconds]
 */
export function summarizeProfile(file: string, lastSeconds?: number, top = 20): string[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const hitsOf = lastSeconds === undefined ? undefined : hitsInTail(profile, lastSeconds);
  const byFrame = new Map<string, number>();
  const byCategory = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = hitsOf ? (hitsOf.get(node.id) ?? 0) : (node.hitCount ?? 0);
    const { functionName, url } = node.callFrame;
    if (hits === 0 || IDLE.has(functionName)) continue;
    busy += hits;
    const key = frameKey(node);
    byFrame.set(key, (byFrame.get(key) ?? 0) + hits);
    const cat = categoryOf(functionName, url);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + hits);
  }
  const share = (hits: number) => `${((hits / Math.max(1, busy)) * 100).toFixed(1).padStart(5)}%`;
  const rank = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, hits]) => `${share(hits)}  ${key}`);
  return [
    `busy samples: ${busy}`,
    "by area:",
    ...rank(byCategory, 12),
    "by function (self):",
    ...rank(byFrame, top),
    "by function (inclusive: the function and what it called):",
    ...rank(inclusiveHits(profile, hitsOf), top),
  ];
}

function frameKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || "(anonymous)"}  ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ""}`;
}

/** Busy samples under each function (each sample counted once per function, recursion included). */
function inclusiveHits(profile: Profile, hitsOf: Map<number, number> | undefined): Map<string, number> {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const out = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = hitsOf ? (hitsOf.get(node.id) ?? 0) : (node.hitCount ?? 0);
    if (hits === 0 || IDLE.has(node.callFrame.functionName)) continue;
    const seen = new Set<string>();
    // Bounded by the stack's depth: each step goes to a parent, the root has none.
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id);
      if (!frame || frame.callFrame.functionName === "(root)") continue;
      const key = frameKey(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      out.set(key, (out.get(key) ?? 0) + hits);
    }
  }
  return out;
}

/** Summaries of every profile under `dir` (one folder per run), largest first. */
export function summarizeProfileDir(dir: string, lastSeconds?: number): string {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  return files
    .map((f) => `## ${path.relative(dir, f)}\n${summarizeProfile(f, lastSeconds).join("\n")}`)
    .join("\n\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, seconds] = process.argv.slice(2);
  if (file)
    process.stdout.write(`${summarizeProfile(file, seconds ? Number(seconds) : undefined).join("\n")}\n`);
}
