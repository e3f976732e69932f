import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lockDataDir } from "./data-dir-lock.ts";

describe("lockDataDir", () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), "upblit-lock-"));

  it("refuses a second owner while the first holds the folder, and frees it on release", () => {
    const d = dir();
    const release = lockDataDir(d);
    expect(readFileSync(path.join(d, "upblit.lock"), "utf8")).toBe(String(process.pid));
    expect(() => lockDataDir(d)).toThrow(`is in use by process ${process.pid}`);
    // Another live process (our parent) holding it refuses us too.
    writeFileSync(path.join(d, "upblit.lock"), String(process.ppid));
    expect(() => lockDataDir(d)).toThrow(`is in use by process ${process.ppid}`);
    writeFileSync(path.join(d, "upblit.lock"), String(process.pid));
    release();
    lockDataDir(d)();
  });

  it("takes over a lock left by a process that died", () => {
    const d = dir();
    const dead = spawnSync(process.execPath, [
      "-e",
      "process.stdout.write(String(process.pid))",
    ]).stdout.toString();
    writeFileSync(path.join(d, "upblit.lock"), dead);
    const release = lockDataDir(d);
    expect(readFileSync(path.join(d, "upblit.lock"), "utf8")).toBe(String(process.pid));
    release();
  });
});
