import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");

/** Test code, by path relative to the repository: what must never be compiled into dist/. */
const TEST_CODE = /^src\/test\/|\.test\.ts$|\.test-support\.ts$|^src\/probe\/fixtures\/|^test\//;

describe("the build (dist/)", () => {
  it("compiles no test code: no test, test helper or test fixture is in tsconfig.build.json's files", async () => {
    // The files tsc would compile, including those pulled in by an import (an excluded file that a
    // built file imports is compiled all the same: how src/test once reached dist/).
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [TSC, "-p", "tsconfig.build.json", "--listFilesOnly"],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
    );
    const ours = stdout
      .split(/\r?\n/)
      .filter((line) => line.trim() !== "")
      .map((file) => path.relative(ROOT, path.resolve(file)).split(path.sep).join("/"))
      .filter((file) => !file.startsWith("node_modules/") && !file.startsWith(".."));
    expect(ours).toContain("src/main.ts");
    expect(ours).toContain("src/cli/main.ts");
    expect(ours.filter((file) => TEST_CODE.test(file))).toEqual([]);
  }, 660_000);
});
