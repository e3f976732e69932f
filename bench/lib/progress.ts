const STARTED = Date.now();

/** One progress line on stderr, prefixed with the time since the bench started. */
export function progress(phase: string, message: string): void {
  const t = ((Date.now() - STARTED) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${t}s] ${phase.padEnd(12)} ${message}\n`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the promise's value, or rejects after `ms` with a message naming what timed out. */
export async function withTimeout<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
