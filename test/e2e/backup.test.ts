import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  type ApiIncident,
  allResults,
  api,
  exitWithin,
  freePort,
  httpMonitor,
  incidentsOf,
  patientTest,
  runCli,
  startTarget,
  startUpblitProcess,
  type Target,
  tempDir,
  type UpblitProcess,
  waitFor,
} from "./helpers.ts";

const running: UpblitProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill("SIGKILL");
      await p.exited;
    }
  }
});
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function start(dataDir: string): Promise<UpblitProcess> {
  const p = await startUpblitProcess(dataDir, await freePort());
  running.push(p);
  return p;
}

/** Runs an admin command to its end: its exit code and output. */
async function cli(args: string[], dataDir: string) {
  const p = runCli(args, { DATA_DIR: dataDir, LOG_LEVEL: "warn" });
  const { code } = await exitWithin(p);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

async function stop(p: UpblitProcess) {
  p.child.kill("SIGTERM");
  expect((await exitWithin(p)).code).toBe(0);
}

describe("upblit backup and restore (real processes)", () => {
  let target: Target;

  it(
    "backs up a running server, restores into a new folder, and the restored server has every monitor, result, incident, user and key, and goes on checking",
    async () => {
      target = await startTarget();
      cleanups.push(() => target.close());
      const a = tempDir("backup-a");
      const b = tempDir("backup-b");
      const out = tempDir("backup-out");
      cleanups.push(a.remove, b.remove, out.remove);

      const first = await start(a.dir);
      const ok = await api<{ id: string }>(
        first.base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("ok", `${target.origin}/ok/1`),
      );
      const failing = await api<{ id: string }>(
        first.base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("failing", `${target.origin}/fail/1`),
      );
      const key = await api<{ token: string }>(first.base, "POST", "/api/v1/api-keys", {
        name: "ci",
        scopes: ["monitors:read"],
      });
      let incidents: ApiIncident[] = [];
      await waitFor("results of both monitors and an incident", async () => {
        incidents = await incidentsOf(first.base, failing.id);
        return (
          incidents.length > 0 &&
          (await allResults(first.base, ok.id)).length >= 2 &&
          (await allResults(first.base, failing.id)).length >= 2
        );
      });
      const before = {
        ok: (await allResults(first.base, ok.id)).map((r) => r.slotAt),
        failing: (await allResults(first.base, failing.id)).map((r) => r.slotAt),
      };

      // Backed up while the server runs and keeps checking every second.
      const file = path.join(out.dir, "upblit.tar.gz");
      const backup = await cli(["backup", file], a.dir);
      expect(backup.stderr).not.toMatch(/^upblit: (?!copying|checksumming|packing|verifying)/m);
      expect(backup.code).toBe(0);
      expect(backup.stdout).toMatch(/from the running server\) into .*upblit\.tar\.gz \(.* MB\), verified/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(first.output()).toContain("backup snapshot taken");
      // The server went on checking after the snapshot.
      const afterBackup = (await allResults(first.base, ok.id)).length;
      await waitFor(
        "a check after the backup",
        async () => (await allResults(first.base, ok.id)).length > afterBackup,
      );

      // A full verification of the file.
      const verified = await cli(["verify-backup", file], out.dir);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/a good backup of .*: .*2 monitors/);

      // Restore refuses a folder in use by a server, even with --force.
      const busy = await cli(["restore", "--force", file], a.dir);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`is in use by process ${first.child.pid}`);
      await stop(first);

      const restored = await cli(["restore", file], b.dir);
      expect(restored.stderr).not.toContain("upblit: restore");
      expect(restored.code).toBe(0);
      expect(restored.stdout).toMatch(
        /1 organization, 1 user, 1 API key, 2 monitors, \d+ check results?, \d+ incidents?/,
      );
      // Never over what is there, unless told.
      const again = await cli(["restore", file], b.dir);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("is not empty");
      expect(existsSync(path.join(b.dir, "secret.key"))).toBe(true);

      // The restored server: the owner signs in with their password (startUpblitProcess does).
      const second = await start(b.dir);
      const monitors = await api<{ items: { id: string; name: string }[] }>(
        second.base,
        "GET",
        "/api/v1/monitors",
      );
      expect(monitors.items.map((m) => m.id).sort()).toEqual([ok.id, failing.id].sort());
      const okSlots = new Set((await allResults(second.base, ok.id)).map((r) => r.slotAt));
      const failingSlots = new Set((await allResults(second.base, failing.id)).map((r) => r.slotAt));
      for (const s of before.ok) expect(okSlots.has(s)).toBe(true);
      for (const s of before.failing) expect(failingSlots.has(s)).toBe(true);
      const restoredIncidents = await incidentsOf(second.base, failing.id);
      for (const i of incidents) expect(restoredIncidents.map((r) => r.id)).toContain(i.id);
      // The API key (hashed with the restored secret) still works.
      const withKey = await fetch(`${second.base}/api/v1/monitors`, {
        headers: { authorization: `Bearer ${key.token}` },
      });
      expect(withKey.status).toBe(200);
      // And it goes on checking.
      const count = okSlots.size;
      await waitFor(
        "a check on the restored server",
        async () => (await allResults(second.base, ok.id)).length > count,
      );
      await stop(second);
    },
    patientTest(12),
  );

  it(
    "backs up a stopped folder; refuses to replace a file without --force; explains itself on PostgreSQL",
    async () => {
      const a = tempDir("backup-stopped");
      const out = tempDir("backup-out");
      cleanups.push(a.remove, out.remove);
      const p = await start(a.dir);
      await api(
        p.base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("m", "http://127.0.0.1:9/x", { intervalSeconds: 60 }),
      );
      await stop(p);

      const file = path.join(out.dir, "stopped.tar.gz");
      const first = await cli(["backup", file], a.dir);
      expect(first.code).toBe(0);
      expect(first.stdout).not.toContain("running server");
      expect(first.stdout).toContain("verified");
      const second = await cli(["backup", file], a.dir);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain("exists: --force replaces it");
      expect((await cli(["backup", "--force", file], a.dir)).code).toBe(0);

      const pg = runCli(["backup", file], { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" });
      expect((await exitWithin(pg)).code).toBe(1);
      expect(pg.stderr()).toContain("pg_dump --format=custom");
    },
    patientTest(6),
  );
});
