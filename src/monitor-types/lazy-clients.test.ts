import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { scaledTimeout } from "../test/patience.ts";

const CLIENT_LIBRARIES = ["mysql2", "amqplib", "mqtt", "ioredis", "pg", "@grpc/grpc-js", "playwright-core"];

/** The CommonJS packages under node_modules that a fresh process has loaded after `code`. */
function packagesLoadedBy(code: string): string[] {
  const script = `${code}
const { createRequire } = await import("node:module");
const names = Object.keys(createRequire(import.meta.url).cache)
  .map((p) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(p)?.[1])
  .filter(Boolean);
process.stdout.write(JSON.stringify([...new Set(names)]));`;
  const out = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: new URL("../..", import.meta.url),
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
  });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout) as string[];
}

describe("client libraries of monitor types", () => {
  it(
    "are not loaded by the server's modules at start, only by a check of their type",
    () => {
      const atStart = packagesLoadedBy('await import("./src/main.ts");');
      for (const lib of CLIENT_LIBRARIES) expect(atStart, lib).not.toContain(lib);
      // Nor the incident markdown's sanitiser (loaded by the first rendering).
      expect(atStart).not.toContain("sanitize-html");
      // The probe of a type loads its library when it runs: the same test sees it then.
      const afterCheck = packagesLoadedBy(`
const { probeMysql } = await import("./src/monitor-types/mysql/probe.ts");
await probeMysql({ target: "127.0.0.1:1" }, {}).catch(() => {});`);
      expect(afterCheck).toContain("mysql2");
    },
    scaledTimeout(120_000),
  );
});
