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
