import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../src/test/db.ts";
import { RedisServer } from "../../src/test/redis-server.ts";
import { Cluster, finishedChecks, type Role, type RoleProcess } from "./cluster.ts";
import {
  accessTokenFor,
  exitWithin,
  freePort,
  httpMonitor,
  patientTest,
  signIn,
  startTarget,
  type Target,
  tempDir,
  waitFor,
} from "./helpers.ts";

/**
 * A zero-downtime rollout (docs/operations.md#zero-downtime-rollout): nginx (Debian's package, its
 * own configuration here, no daemon) balances two API processes; a scheduler, a probe, an
 * evaluator and a notifier run beside them. While a client sends reads and writes through nginx
 * without pause and checks run, every process is replaced one at a time — an API process stopped
 * with SIGTERM and started again on its port, any other role started anew before the old one gets
 * SIGTERM — each replacement ready (/readyz, or "roles started") before the next. No API request
 * fails, no finished check is lost or recorded `unknown`, no slot is checked twice.
 */
const cleanups: Array<() => Promise<void> | void> = [];
let cluster: Cluster | undefined;
afterAll(async () => {
  await cluster?.killAll();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The nginx configuration the docs show, for two API processes, with every path in `dir`. */
function nginxConfig(dir: string, port: number, apiPorts: number[]): string {
  return `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
events { worker_connections 1024; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream upblit {
${apiPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join("\n")}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://upblit;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # A process that is stopping refuses new connections: try the other one, POSTs too (an
      # Idempotency-Key makes a retried write safe, and a refused one never reached Upblit).
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_timeout 30s;
      proxy_connect_timeout 5s;
      proxy_read_timeout 120s;
      proxy_buffering off;
    }
  }
}
`;
}

async function startNginx(dir: string, port: number, apiPorts: number[]): Promise<ChildProcess> {
  writeFileSync(`${dir}/nginx.conf`, nginxConfig(dir, port, apiPorts));
  const child = spawn("nginx", ["-c", `${dir}/nginx.conf`, "-p", dir, "-e", `${dir}/error.log`], {
    stdio: "ignore",
  });
  cleanups.push(() => {
    child.kill("SIGKILL");
  });
  await waitFor("nginx to answer", async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return res.status === 200;
  });
  return child;
}

describe("rolling restart behind nginx", () => {
  it(
    "replaces every process one at a time with no failed request, no lost result, no slot twice",
    async () => {
      const started = Date.now();
      const db: TestDatabase = await createTestDatabase("postgres");
      cleanups.push(() => db.drop());
      const store = new pg.Pool({ connectionString: db.databaseUrl!, max: 2 });
      cleanups.push(() => store.end());
      const redis = new RedisServer();
      await redis.start();
      cleanups.push(() => redis.stop());
      const tmp = tempDir("rolling");
      cleanups.push(tmp.remove);
      const target: Target = await startTarget();
      cleanups.push(() => target.close());

      cluster = new Cluster(
        {
          DATABASE_URL: db.databaseUrl!,
          REDIS_URL: redis.url,
          SECRET_KEY: randomBytes(32).toString("hex"),
          ALLOW_PRIVATE_TARGETS: "true",
          MIN_INTERVAL_SECONDS: "1",
          LOG_LEVEL: "info",
          SHUTDOWN_TIMEOUT_SECONDS: "10",
          HOST: "127.0.0.1",
          TRUST_PROXY: "true",
        },
        tmp.dir,
      );
      const c = cluster;
      const probeEnv = { LOG_LEVEL: "debug" };
      const api1 = await c.start("api");
      const [api2] = await Promise.all([
        c.start("api"),
        c.start("scheduler"),
        c.start("probe", { env: probeEnv }),
        c.start("evaluator"),
        c.start("notifier"),
      ]);
      const port = await freePort();
      await startNginx(
        tmp.dir,
        port,
        [api1, api2!].map((p) => Number(new URL(p.base).port)),
      );
      const front = `http://127.0.0.1:${port}`;
      // Starting the rest can take longer than an access token lives on a busy machine.
      await signIn(api1);
      const token = accessTokenFor(api1.base);

      // The client: reads and writes through nginx, one after another, until told to stop.
      const failures: string[] = [];
      let requests = 0;
      let writes = 0;
      let stop = false;
      const call = async (method: string, url: string, body?: unknown) => {
        requests++;
        try {
          const res = await fetch(`${front}${url}`, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              ...(body === undefined
                ? {}
                : { "content-type": "application/json", "idempotency-key": randomBytes(12).toString("hex") }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await res.text();
          if (!res.ok) failures.push(`${method} ${url} → ${res.status} ${text.slice(0, 200)}`);
          return res.ok ? (JSON.parse(text) as { id?: string }) : undefined;
        } catch (err) {
          failures.push(`${method} ${url} → ${String(err)}`);
          return undefined;
        }
      };
      const client = (async () => {
        let n = 0;
        while (!stop) {
          n++;
          if (n % 3 === 0) {
            const made = await call(
              "POST",
              "/api/v1/monitors",
              httpMonitor(`w${n}`, `${target.origin}/ok/w${n}`, { intervalSeconds: 5, timeoutMs: 10_000 }),
            );
            if (made) writes++;
          } else {
            await call("GET", n % 2 === 0 ? "/api/v1/monitors?limit=20" : "/api/v1/incidents?limit=20");
          }
        }
      })();

      const resultCount = async () =>
        Number((await store.query("SELECT count(*) AS n FROM check_history")).rows[0].n);
      await waitFor("checks running", async () => (await resultCount()) >= 20);

      // One process at a time, each replacement ready before the next.
      const order: Role[] = ["api", "api", "scheduler", "probe", "evaluator", "notifier"];
      const olds: RoleProcess[] = [api1, api2!, ...c.live().filter((p) => p.role !== "api")];
      for (const role of order) {
        const old = olds.find(
          (p) => p.role === role && p.child.exitCode === null && p.child.signalCode === null,
        )!;
        olds.splice(olds.indexOf(old), 1);
        if (role === "api") {
          // Same port behind nginx: stopped first (nginx sends everything to the other meanwhile).
          old.child.kill("SIGTERM");
          expect(await exitWithin(old)).toEqual({ code: 0, signal: null });
          await c.start("api", { port: Number(new URL(old.base).port) });
        } else {
          // Any other role: the new one first, then the old one stops and finishes what it holds.
          await c.start(role, { env: role === "probe" ? probeEnv : undefined });
          old.child.kill("SIGTERM");
          expect(await exitWithin(old)).toEqual({ code: 0, signal: null });
        }
        const from = await resultCount();
        await waitFor(
          `checks going on after replacing the ${role}`,
          async () => (await resultCount()) >= from + 10,
        );
      }
      stop = true;
      await client;

      expect(failures).toEqual([]);
      expect(writes).toBeGreaterThan(0);

      // Every check the probes finished is stored, with its status; nothing recorded as lost.
      const finished = finishedChecks(c.processes.filter((p) => p.role === "probe")).filter((f) => !f.manual);
      const key = (m: string, r: string, s: number) => `${m}|${r}|${s}`;
      const stored = new Map<string, string>();
      await waitFor("every finished check stored", async () => {
        const rows = (
          await store.query<{ monitor_id: string; region: string; slot_at: Date; status: string }>(
            "SELECT monitor_id, region, slot_at, status FROM check_history",
          )
        ).rows;
        stored.clear();
        for (const r of rows) stored.set(key(r.monitor_id, r.region, r.slot_at.getTime()), r.status);
        return finished.every((f) => stored.has(key(f.monitorId, f.region, f.slotAt)));
      });
      expect(finished.filter((f) => stored.get(key(f.monitorId, f.region, f.slotAt)) !== f.status)).toEqual(
        [],
      );
      expect([...stored.values()].filter((s) => s === "unknown")).toEqual([]);
      const runs = new Map<string, number>();
      for (const f of finished) {
        const k = key(f.monitorId, f.region, f.slotAt);
        runs.set(k, (runs.get(k) ?? 0) + 1);
      }
      expect([...runs].filter(([, n]) => n > 1)).toEqual([]);

      process.stdout.write(
        `rolling restart: ${requests} requests (${writes} writes) through nginx, 0 failed; ` +
          `${finished.length} checks finished and stored; ${Math.round((Date.now() - started) / 1000)} s\n`,
      );
    },
    patientTest(14),
  );
});
