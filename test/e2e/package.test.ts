import { execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  exitWithin,
  freePort,
  patientTest,
  ROOT,
  tempDir,
  type UpblitProcess,
  waitFor,
  waitForOutput,
} from "./helpers.ts";

// Upblit as a package: `npm pack`, installed from the tarball into an empty folder without dev
// dependencies, started with `npx upblit start`. The pack uses what `npm ci` built (dist/, the
// PGlite template, web/dist) — `npm pack` itself would run `prepare` and build them again.

const run = promisify(execFile);
// semver ships no types; its one function used here, as documented (is range `a` within range `b`).
const semver = createRequire(import.meta.url)("semver") as { subset(a: string, b: string): boolean };
const tmp = tempDir("package");
const children: UpblitProcess[] = [];
afterAll(() => {
  for (const p of children) {
    try {
      process.kill(-p.child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
  tmp.remove();
});

const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  version: string;
  engines: { node: string };
};
const npmEnv = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" };

describe("engines", () => {
  it("every run-time dependency accepts every Node version Upblit's engines accept", () => {
    const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }>;
    };
    const narrower: string[] = [];
    for (const [where, info] of Object.entries(lock.packages)) {
      const wanted = !info.dev && !Array.isArray(info.engines) ? info.engines?.node : undefined;
      if (where && wanted && !semver.subset(manifest.engines.node, wanted))
        narrower.push(`${where}: ${wanted}`);
    }
    expect(narrower).toEqual([]);
  });
});

describe("npm pack, install the tarball, npx upblit start", () => {
  it(
    "the package holds the build and no sources or tests; installed without dev dependencies it starts and serves",
    async () => {
      for (const built of ["dist/cli/main.js", "web/dist/index.html"]) {
        expect(existsSync(path.join(ROOT, built)), `${built} is missing: run npm ci (or npm run build)`).toBe(
          true,
        );
      }
      const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp.dir], {
        cwd: ROOT,
        env: npmEnv,
        maxBuffer: 64 * 1024 * 1024,
      });
      const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const files = info!.files.map((f) => f.path);
      expect(files).toEqual(
        expect.arrayContaining(["bin/upblit.js", "dist/cli/main.js", "web/dist/index.html"]),
      );
      expect(files.some((f) => /^dist\/pglite-template-.+\.tar\.gz$/.test(f))).toBe(true);
      expect(
        files.filter((f) => /^(src|test|bench|docs)\/|\.test\.|\.ts$/.test(f) && !f.endsWith(".d.ts")),
      ).toEqual([]);

      const app = path.join(tmp.dir, "app");
      await run("mkdir", ["-p", app]);
      await run(
        "npm",
        ["install", "--omit=dev", "--no-audit", "--prefer-offline", path.join(tmp.dir, info!.filename)],
        { cwd: app, env: npmEnv, maxBuffer: 64 * 1024 * 1024, timeout: 1_200_000 },
      );
      const installed = readdirSync(path.join(app, "node_modules"));
      expect(installed).toContain("upblit");
      for (const devOnly of ["tsx", "vitest", "typescript", "vite"]) expect(installed).not.toContain(devOnly);

      const version = await run("npx", ["--no-install", "upblit", "--version"], { cwd: app, env: npmEnv });
      expect(version.stdout).toBe(`${manifest.version}\n`);

      const port = await freePort();
      const p = startIn(app, port);
      await waitForOutput(p, /Upblit is listening on http:\/\/127\.0\.0\.1:\d+/);
      await waitForOutput(p, /No account yet\. Open this link to set up Upblit:\n {2}http\S+\/setup\?token=/);
      expect((await fetch(`${p.base}/readyz`)).status).toBe(200);
      const page = await fetch(`${p.base}/`, { headers: { accept: "text/html" } });
      expect(await page.text()).toContain('<div id="root">');
      // As Ctrl-C in a terminal does: the signal goes to the process group, npx and the server
      // alike (npx alone exits without passing SIGTERM on).
      process.kill(-p.child.pid!, "SIGTERM");
      await exitWithin(p);
      // The server is npx's child and may outlive it by its shutdown: its own last line says when it is done.
      await waitFor("the server's stopped line", () => /"msg":"stopped"/.test(p.output()));
    },
    patientTest(6),
  );
});

/** `npx upblit start` in `cwd`, a fresh data folder there, on `port`. */
function startIn(cwd: string, port: number): UpblitProcess {
  const child = spawn("npx", ["--no-install", "upblit", "start"], {
    cwd,
    env: {
      ...npmEnv,
      DATA_DIR: path.join(cwd, "data"),
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_FORMAT: "json",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    out += d.toString();
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const p: UpblitProcess = {
    child,
    base: `http://127.0.0.1:${port}`,
    output: () => out,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
  };
  children.push(p);
  return p;
}
