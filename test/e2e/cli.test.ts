import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { exitWithin, patientTest, ROOT, runCli, tempDir } from "./helpers.ts";

const run = promisify(execFile);

const tmp = tempDir("cli");
afterAll(() => tmp.remove());

describe("the upblit command after npm ci", () => {
  const version = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string })
    .version;

  it("node_modules/.bin/upblit runs the CLI, from any working directory", async () => {
    // npm never links a package's own bin into its own node_modules/.bin: the self-reference
    // dependency `"upblit": "file:."` does (see docs/cli.md).
    const bin = path.join(ROOT, "node_modules/.bin/upblit");
    expect(existsSync(bin)).toBe(true);
    const { stdout } = await run(bin, ["--version"], { cwd: tmp.dir, timeout: 120_000 });
    expect(stdout).toBe(`${version}\n`);
    const help = await run(bin, ["--help"], { cwd: tmp.dir, timeout: 120_000 });
    expect(help.stdout).toMatch(/^Usage: upblit /);
  }, 300_000);

  it("npx upblit runs it without installing anything, from the project and a folder in it", async () => {
    for (const cwd of [ROOT, path.join(ROOT, "docs")]) {
      const { stdout } = await run("npx", ["--no-install", "upblit", "--version"], {
        cwd,
        timeout: 120_000,
        env: { ...process.env, npm_config_update_notifier: "false" },
      });
      expect(stdout).toBe(`${version}\n`);
    }
  }, 300_000);
});

describe("upblit migrate", () => {
  it(
    "applies the migrations on a fresh DATA_DIR, then reports the database is up to date",
    async () => {
      const dataDir = path.join(tmp.dir, "fresh");
      const first = runCli(["migrate"], { DATA_DIR: dataDir });
      expect(await exitWithin(first)).toEqual({ code: 0, signal: null });
      expect(first.stdout()).toBe(
        "applied: 0001-foundation, 0002-accounts, 0003-alerting, 0004-routing, 0005-maintenance, 0006-dependencies, 0007-status-pages, 0008-templates, 0009-status-incidents, 0010-status-domains, 0011-status-subscriptions, 0012-incident-workflow, 0013-heartbeats, 0014-sso, 0015-compact-results, 0016-regions, 0017-type-secrets, 0018-processes, 0019-resource-keys, 0020-probe-tokens, 0021-browser-artifacts, 0022-rollup-blocks, 0023-remote-probe-offline, 0024-one-presence, 0025-packed-timings\n",
      );
      expect(first.stderr()).toBe("");
      expect(existsSync(dataDir)).toBe(true);

      const second = runCli(["migrate"], { DATA_DIR: dataDir });
      expect(await exitWithin(second)).toEqual({ code: 0, signal: null });
      expect(second.stdout()).toBe("database is up to date\n");
    },
    patientTest(2),
  );
});

describe("bad configuration", () => {
  it(
    "PORT=abc exits 2 with one line naming the wrong value",
    async () => {
      const dataDir = path.join(tmp.dir, "never-a");
      const p = runCli(["start"], { DATA_DIR: dataDir, PORT: "abc" });
      expect(await exitWithin(p)).toEqual({ code: 2, signal: null });
      const problems = p
        .stderr()
        .split("\n")
        .filter((l) => l.startsWith("  - "));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^ {2}- PORT="abc": /);
      expect(p.stdout()).toBe("");
      // It failed before touching anything.
      expect(existsSync(dataDir)).toBe(false);
    },
    patientTest(1),
  );

  it(
    "several wrong values: exit 2, one line per value, for start and migrate alike",
    async () => {
      const dataDir = path.join(tmp.dir, "never-b");
      const env = {
        DATA_DIR: dataDir,
        PORT: "70000",
        LOG_LEVEL: "loud",
        MIN_INTERVAL_SECONDS: "0",
        ALLOW_PRIVATE_TARGETS: "maybe",
        HOST: "127.0.0.1",
      };
      for (const command of ["start", "migrate"]) {
        const p = runCli([command], env);
        expect(await exitWithin(p)).toEqual({ code: 2, signal: null });
        const problems = p
          .stderr()
          .split("\n")
          .filter((l) => l.startsWith("  - "));
        expect(problems.map((l) => l.slice(4).split("=")[0]).sort()).toEqual(
          ["ALLOW_PRIVATE_TARGETS", "LOG_LEVEL", "MIN_INTERVAL_SECONDS", "PORT"].sort(),
        );
        expect(problems.find((l) => l.includes("PORT"))).toContain('"70000"');
        expect(existsSync(dataDir)).toBe(false);
      }
    },
    patientTest(2),
  );
});
