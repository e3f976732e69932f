import { describe, expect, it } from "vitest";
import { parseJob } from "./catalog.ts";

/** The wire contract a driver crossing a process boundary checks each dequeued job against. */
describe("job catalog", () => {
  const run = {
    spec: {
      monitorId: "mon_1",
      organizationId: "org_1",
      type: "http",
      target: "https://example.com/",
      timeoutMs: 5_000,
      assertions: [{ subject: "status", op: "in", value: [200] }],
      http: { method: "GET" },
    },
    region: "local",
    slotAt: 1_800_000_000_000,
    manual: false,
  };

  it("accepts a well-formed job and keeps the monitor settings it checks only structurally", () => {
    const parsed = parseJob("check.run", JSON.parse(JSON.stringify(run)));
    expect(parsed).toEqual(run);
  });

  it("refuses malformed jobs", () => {
    expect(() => parseJob("check.run", { ...run, slotAt: "soon" })).toThrow();
    // Any type name travels (the probe answers one it does not know with an error result); none does not.
    expect(() => parseJob("check.run", { ...run, spec: { ...run.spec, type: "" } })).toThrow();
    expect(parseJob("check.run", { ...run, spec: { ...run.spec, type: "ftp" } }).spec.type).toBe("ftp");
    expect(() =>
      parseJob("check.result", { monitorId: "mon_1", status: "sideways", timings: { total: 1 } }),
    ).toThrow();
    expect(() => parseJob("incident.changed", { change: "opened" })).toThrow();
  });
});
