import { setFlagsFromString } from "node:v8";

/**
 * Caps how far V8 lets the heap grow past what survived its last full collection. By default it
 * may grow to about four times that before collecting again: a process whose live heap is 60 MB
 * then swings up to ~240 MB of mostly garbage (results and jobs live about a second, long enough to
 * be promoted). At 50 % the peak stays near 1.5× the live heap for a few more, short, collections;
 * docs/benchmarks.md has the measurement. 0 leaves V8's own heuristics. V8 reads this flag at each
 * collection, so setting it at start-up takes effect.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/**
 * WebAssembly (PGlite's PostgreSQL, ~10 MB of code) is compiled by V8's baseline compiler,
 * Liftoff, then hot functions again by the optimizing one, TurboFan, in the background. The second
 * compilation costs ~40–60 MB of resident memory that stays (code and compiler memory) and CPU at
 * start-up; once warm, PGlite's queries took about as much CPU either way here (within the
 * machine's noise: docs/benchmarks.md, bench:wasm-tiers). Unless `optimize`, only Liftoff runs.
 * Must be called before any WebAssembly is compiled: V8 reads it per module.
 */
export function chooseWasmTier(optimize: boolean): void {
  if (!optimize) setFlagsFromString("--liftoff-only");
}
