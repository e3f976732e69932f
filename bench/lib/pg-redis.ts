// The scaled-out stores of the benches that run Upblit's roles as processes (bench:scale,
// bench:remote-probe): a redis-server of our own and a fresh database on the machine's PostgreSQL.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { onCleanup, trackPid } from "./cleanup.ts";
import { sleep } from "./progress.ts";
import { freePort } from "./upblit-child.ts";

const PG_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Our own redis-server on a free port, without persistence; stopped at cleanup. */
export async function startRedis(): Promise<{ url: string; redis: Redis }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  if (child.pid === undefined) throw new Error("could not start redis-server");
  const untrack = trackPid(child.pid);
  onCleanup(async () => {
    child.kill("SIGTERM");
    untrack();
  }, "redis-server");
  const url = `redis://127.0.0.1:${port}`;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  for (let i = 0; ; i++) {
    try {
      await redis.connect();
      await redis.ping();
      break;
    } catch (err) {
      if (i > 100) throw err;
      redis.disconnect();
      await sleep(100);
    }
  }
  onCleanup(async () => redis.disconnect(), "the Redis client");
  return { url, redis };
}

/** A fresh database on the machine's PostgreSQL, dropped at cleanup. */
export async function freshDatabase(
  prefix: string,
): Promise<{ url: string; name: string; admin: pg.Client }> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  onCleanup(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }, `database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, admin };
}
