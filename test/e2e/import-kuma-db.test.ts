import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kumaDatabase } from "../../src/cli/client/import/kuma-db.test-support.ts";
import {
  api,
  exitWithin,
  freePort,
  patientTest,
  runCli,
  startUpblitProcess,
  tempDir,
  type UpblitProcess,
  waitFor,
} from "./helpers.ts";

const tmp = tempDir("import-kuma-db");

/**
 * `upblit import kuma kuma.db` end to end: the report, then `apply` of the imported file to a
 * real server, whose imported monitors (pointed at a local HTTP server) are then checked and
 * found up; the imported status pages and maintenance windows are on the server.
 */
describe("upblit import kuma <kuma.db> → apply", () => {
  let server: UpblitProcess;
  let target: Server;
  let env: Record<string, string>;

  async function cli(args: string[], extra: Record<string, string>) {
    const p = runCli(args, extra);
    const { code } = await exitWithin(p);
    return { code, stdout: p.stdout(), stderr: p.stderr() };
  }

  beforeAll(async () => {
    target = createServer((_req, res) => res.end("all good"));
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    // The email channel needs a mail server to be saved; none is reached by this test.
    server = await startUpblitProcess(path.join(tmp.dir, "data"), await freePort(), {
      SMTP_URL: "smtp://127.0.0.1:2525",
    });
    const key = await api<{ token: string }>(server.base, "POST", "/api/v1/api-keys", {
      name: "import",
      scopes: [
        "monitors:read",
        "monitors:write",
        "notifications:read",
        "notifications:write",
        "status-pages:read",
        "status-pages:write",
      ],
    });
    env = { UPBLIT_URL: server.base, UPBLIT_API_KEY: key.token };
  }, patientTest(3));
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    if (server) await exitWithin(server);
    target?.close();
    tmp.remove();
  }, patientTest(1));

  it(
    "reports, applies, and the imported monitors are checked",
    async () => {
      const port = (target.address() as AddressInfo).port;
      const db = path.join(tmp.dir, "kuma.db");
      writeFileSync(db, await kumaDatabase({ http: `http://127.0.0.1:${port}/`, host: "127.0.0.1", port }));
      const out = path.join(tmp.dir, "imported.yaml");
      const envFile = path.join(tmp.dir, "imported.env");
      const imported = await cli(["import", "kuma", db, "-o", out, "--secrets-file", envFile], {});
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stderr).toMatch(/^Imported \(\d+\):/m);
      expect(imported.stderr).toMatch(/^Imported approximately \(\d+\):/m);
      expect(imported.stderr).toMatch(/^Not imported \(\d+\):/m);
      expect(imported.stderr).toContain('status page "Acme status" (/status/acme) → acme (2 group(s))');
      expect(readFileSync(out, "utf8")).toMatch(/^# Imported from Uptime Kuma/);
      const secretsEnv = Object.fromEntries(
        readFileSync(envFile, "utf8")
          .trim()
          .split("\n")
          .map((line) => [
            line.slice(0, line.indexOf("=")),
            JSON.parse(line.slice(line.indexOf("=") + 1)) as string,
          ]),
      );

      const applied = await cli(["apply", "-f", out], { ...env, ...secretsEnv });
      expect(applied.code, `${applied.stdout}\n${applied.stderr}`).toBe(0);
      expect(applied.stdout).toMatch(/Applied \d+ changes\./);

      const pages = await api<{ items: Array<{ slug: string; groups: Array<{ components: unknown[] }> }> }>(
        server.base,
        "GET",
        "/api/v1/status-pages",
      );
      expect(pages.items.map((p) => p.slug).sort()).toEqual(["acme", "internal-page"]);
      const windows = await api<{ items: Array<{ title: string }> }>(
        server.base,
        "GET",
        "/api/v1/maintenance-windows",
      );
      expect(windows.items.map((w) => w.title)).toContain("Sunday patching");

      // The monitors that point at the local server are checked on their schedule, and their
      // checks pass. Their state is "up", or "maintenance" while one of the imported windows is
      // open: Website is in "Nightly window" (23:30-00:15 server time) and "Every other day"
      // (01:00-02:00 UTC), so the state alone depends on the hour the suite runs.
      type Monitor = { id: string; name: string; state: string; lastCheckedAt: string | null };
      for (const name of ["Website", "SSH", "Status text"]) {
        let seen = "not listed";
        await waitFor(`the imported monitor ${name} to be checked and up`, async () => {
          const list = await api<{ items: Monitor[] }>(
            server.base,
            "GET",
            `/api/v1/monitors?q=${encodeURIComponent(name)}`,
          );
          const m = list.items.find((i) => i.name === name);
          if (!m || m.lastCheckedAt === null) return false;
          const results = await api<{ items: Array<{ status: string }> }>(
            server.base,
            "GET",
            `/api/v1/monitors/${m.id}/results?limit=1`,
          );
          seen = `state ${m.state}, newest result ${results.items[0]?.status ?? "none"}`;
          return results.items[0]?.status === "up" && ["up", "maintenance"].includes(m.state);
        }).catch((err: Error) => {
          throw new Error(`${err.message} (last seen: ${seen})`);
        });
      }
    },
    patientTest(8),
  );
});
