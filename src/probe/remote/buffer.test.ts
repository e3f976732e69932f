import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CheckResult } from "../../domain/check-result.ts";
import { ResultBuffer } from "./buffer.ts";

const result = (slotAt: number): CheckResult => ({
  monitorId: "mon_1",
  organizationId: "org_1",
  region: "office",
  slotAt,
  startedAt: slotAt,
  manual: false,
  status: "up",
  timings: { total: 3 },
  verdicts: [],
});

describe("a remote probe's result buffer", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("keeps at most `max` results, dropping the oldest first", () => {
    const buffer = new ResultBuffer(3, undefined);
    for (const slot of [1, 2, 3, 4, 5]) buffer.push(result(slot));
    expect(buffer.size).toBe(3);
    expect(buffer.dropped).toBe(2);
    expect(buffer.peek(10).map((r) => r.slotAt)).toEqual([3, 4, 5]);
    buffer.remove(2);
    expect(buffer.peek(10).map((r) => r.slotAt)).toEqual([5]);
  });

  it("writes a change to its file within a moment, without a close", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "upblit-buffer-"));
    dirs.push(dir);
    const file = path.join(dir, "results.json");
    const buffer = new ResultBuffer(100, file);
    buffer.push(result(7));
    await vi.waitFor(() => expect(new ResultBuffer(100, file).peek(10).map((r) => r.slotAt)).toEqual([7]));
  });

  it("survives a restart in its file, and starts empty on a torn one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "upblit-buffer-"));
    dirs.push(dir);
    const file = path.join(dir, "results.json");
    const first = new ResultBuffer(100, file);
    first.push(result(1));
    first.push(result(2));
    first.remove(1);
    first.close();
    const again = new ResultBuffer(100, file);
    expect(again.peek(10).map((r) => r.slotAt)).toEqual([2]);
    expect(existsSync(`${file}.tmp`)).toBe(false);
    // A smaller bound on restart keeps the newest.
    again.push(result(3));
    again.close();
    expect(new ResultBuffer(1, file).peek(10).map((r) => r.slotAt)).toEqual([3]);
    writeFileSync(file, '[{"monitorId":');
    expect(new ResultBuffer(100, file).size).toBe(0);
  });
});
