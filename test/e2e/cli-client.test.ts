import { statSync } from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  api,
  exitWithin,
  freePort,
  patientTest,
  runCli,
  startUpblitProcess,
  tempDir,
  type UpblitProcess,
  waitForOutput,
} from "./helpers.ts";

const tmp = tempDir("cli-client");
const CONFIG = path.join(tmp.dir, "home", "upblit", "client.json");
/** The client commands read only their own file (never the real user's). */
const ENV = { UPBLIT_CLIENT_CONFIG: CONFIG };

async function cli(args: string[], env: Record<string, string> = ENV) {
  const p = runCli(args, env);
  const { code } = await exitWithin(p);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/**
 * The client commands (docs/cli.md#client-commands) against a real server process: login with
 * an API key, create, list as a table, JSON and YAML, watch a list change live, exit codes.
 */
describe("upblit client commands against a running server", () => {
  let server: UpblitProcess;
  let target: Server;
  let targetAddress: string;
  let apiKey: string;
  beforeAll(async () => {
    server = await startUpblitProcess(path.join(tmp.dir, "data"), await freePort());
    const key = await api<{ token: string }>(server.base, "POST", "/api/v1/api-keys", {
      name: "cli e2e",
      scopes: [
        "monitors:read",
        "monitors:write",
        "incidents:read",
        "incidents:write",
        "notifications:read",
        "status-pages:read",
        "members:read",
      ],
    });
    apiKey = key.token;
    target = createServer((s) => s.end());
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    targetAddress = `127.0.0.1:${(target.address() as { port: number }).port}`;
  }, patientTest(2));
  afterAll(async () => {
    target?.close();
    server?.child.kill("SIGTERM");
    if (server) await exitWithin(server);
    tmp.remove();
  }, patientTest(1));

  it(
    "logs in, creates, lists and watches monitors; exit codes say what went wrong",
    async () => {
      // Not logged in yet: exit 3.
      const before = await cli(["monitors", "ls"]);
      expect(before.code).toBe(3);
      expect(before.stderr).toMatch(/not logged in/);

      const login = await cli(["login", "--url", server.base, "--api-key", apiKey, "--context", "e2e"]);
      expect(login.stderr).toBe("");
      expect(login.code).toBe(0);
      expect(login.stdout).toMatch(/Logged in to E2E/);
      expect(statSync(CONFIG).mode & 0o777).toBe(0o600);
      expect((await cli(["contexts"])).stdout).toMatch(/\*\s+e2e\s+http:\/\/127\.0\.0\.1/);

      const created = await cli([
        "monitors",
        "create",
        "--name",
        "cli first",
        "--type",
        "tcp",
        "--target",
        targetAddress,
        "--interval",
        "1",
        "--json",
      ]);
      expect(created.code).toBe(0);
      const monitor = JSON.parse(created.stdout) as { id: string; name: string };
      expect(monitor.name).toBe("cli first");

      const table = await cli(["monitors", "ls"]);
      expect(table.code).toBe(0);
      expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+TYPE\s+STATE\s+TARGET\s+CHECKED$/);
      expect(table.stdout).toContain("cli first");
      const yaml = parse((await cli(["monitors", "ls", "--yaml"])).stdout) as Array<{ id: string }>;
      expect(yaml.map((m) => m.id)).toContain(monitor.id);

      const paused = await cli(["monitors", "pause", monitor.id, "--json"]);
      expect(JSON.parse(paused.stdout).paused).toBe(true);
      expect((await cli(["monitors", "resume", monitor.id])).code).toBe(0);

      // A list kept on screen shows a monitor created after it started.
      const watching = runCli(["monitors", "ls", "--watch"], ENV);
      try {
        await waitForOutput(watching, /cli first/);
        const second = await cli([
          "monitors",
          "create",
          "--name",
          "cli second",
          "--type",
          "tcp",
          "--target",
          targetAddress,
          "--paused",
        ]);
        expect(second.code).toBe(0);
        await waitForOutput(watching, /cli second/);
      } finally {
        watching.child.kill("SIGINT");
        await exitWithin(watching);
      }

      // Problems: a missing monitor is 4, an invalid body 1 with the field named.
      const missing = await cli(["monitors", "get", "mon_doesnotexist"]);
      expect(missing.code).toBe(4);
      expect(missing.stderr).toMatch(/^upblit: Not found/);
      const invalid = await cli([
        "monitors",
        "create",
        "--name",
        "bad",
        "--type",
        "tcp",
        "--target",
        targetAddress,
        "--interval",
        "0",
      ]);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toMatch(/body\.intervalSeconds/);
      expect((await cli(["incidents", "ls"])).code).toBe(0);
      expect((await cli(["monitors", "rm", monitor.id])).stdout).toBe(`deleted ${monitor.id}\n`);

      const completion = await cli(["completion", "bash"]);
      expect(completion.stdout).toMatch(/complete -F _upblit upblit/);
      expect(completion.stdout).toMatch(/"monitors"\) opts="ls get create edit pause resume rm check/);
    },
    patientTest(6),
  );
});
