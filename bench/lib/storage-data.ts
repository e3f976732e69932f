// bench:storage's generated results: a deterministic mix of answers, failures and timings.
import type { Observation } from "../../src/domain/check-result.ts";

/** A deterministic pseudo-random sequence, so both variants store the same results. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ERRORS = [
  { kind: "timeout", message: "no answer within 5000 ms" },
  { kind: "refused", message: "connect ECONNREFUSED 10.0.0.7:443" },
  { kind: "dns", message: "getaddrinfo ENOTFOUND api.example.test" },
] as const;

/** One check's observation: 0.5 % errors, 0.5 % 503s, the rest 200 with random phases. */
export function observe(random: () => number): Observation {
  const r = random();
  const dns = 0.5 + random() * 3;
  const connect = 1 + random() * 20;
  const tls = 5 + random() * 30;
  const firstByte = 10 + random() * 200;
  const total = dns + connect + tls + firstByte + random() * 20;
  if (r < 0.005) {
    const error = ERRORS[Math.floor(random() * ERRORS.length)]!;
    return { timings: { total: error.kind === "timeout" ? 5000 : dns + connect }, error: { ...error } };
  }
  const statusCode = r < 0.01 ? 503 : 200;
  return { timings: { dns, connect, tls, firstByte, total }, statusCode };
}
