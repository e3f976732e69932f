import { Pool, request } from "undici";
import { progress } from "./progress.ts";

export interface MonitorTemplate {
  targetOrigin: string;
  intervalSeconds: number;
  timeoutMs: number;
  /** The rest of monitor i's body (type, target, settings); default: an http monitor on targetOrigin. */
  body?: (i: number) => Record<string, unknown>;
}

export interface Creation {
  created: number;
  failed: number;
  seconds: number;
  perSecond: number;
  firstErrors: string[];
}

/**
 * Creates `count` monitors (http unless `template.body` says otherwise) through POST /api/v1/monitors, `concurrency` requests in flight on
 * keep-alive connections (as an API client would). Every request has its own timeout.
 */
export async function createMonitors(
  apiUrl: string,
  accessToken: string,
  count: number,
  template: MonitorTemplate,
  concurrency: number,
  label: string,
): Promise<Creation> {
  const pool = new Pool(apiUrl, { connections: concurrency, headersTimeout: 60_000, bodyTimeout: 60_000 });
  let next = 0;
  let created = 0;
  let failed = 0;
  const firstErrors: string[] = [];
  const started = performance.now();
  const createOne = async (i: number) => {
    const body = JSON.stringify({
      name: `bench ${i}`,
      ...(template.body ? template.body(i) : { type: "http", target: `${template.targetOrigin}/m/${i}` }),
      intervalSeconds: template.intervalSeconds,
      timeoutMs: template.timeoutMs,
    });
    try {
      const res = await pool.request({
        path: "/api/v1/monitors",
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode === 201) created++;
      else throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
    } catch (err) {
      failed++;
      if (firstErrors.length < 5) firstErrors.push((err as Error).message);
    }
  };
  const worker = async () => {
    while (next < count) await createOne(next++);
  };
  const ticker = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    progress(label, `creating: ${created}/${count} (${(created / s).toFixed(0)}/s), ${failed} failed`);
  }, 1_000);
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } finally {
    clearInterval(ticker);
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { created, failed, seconds, perSecond: created / seconds, firstErrors };
}

/** First run: spends the setup link the fresh instance logged and returns the owner's access token. */
export async function setUpOwner(apiUrl: string, setupUrl: string): Promise<string> {
  const token = new URL(setupUrl).searchParams.get("token");
  const res = await request(`${apiUrl}/api/v1/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      token,
      email: "bench@example.com",
      password: "quiet meadow lantern 7241",
      organizationName: "Bench",
    }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 201) throw new Error(`setup failed: HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { accessToken: string }).accessToken;
}
