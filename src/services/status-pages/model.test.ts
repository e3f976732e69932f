import { describe, expect, it } from "vitest";
import { MONITOR_STATES } from "../../domain/monitor.ts";
import { colorProblems, contrastRatio, DEFAULT_COLORS } from "./colors.ts";
import { componentStatusOf, failureCategory, formatUptime, pageStatusOf, stateLabel } from "./model.ts";
import { slugProblem } from "./slugs.ts";

describe("status page vocabulary", () => {
  it("maps every monitor state to a Statuspage status and its own words", () => {
    expect(MONITOR_STATES.map((s) => [s, componentStatusOf(s)])).toEqual([
      ["pending", "operational"],
      ["up", "operational"],
      ["degraded", "degraded_performance"],
      ["down", "major_outage"],
      ["paused", "operational"],
      ["maintenance", "under_maintenance"],
      ["affected", "partial_outage"],
    ]);
    const labels = MONITOR_STATES.map(stateLabel);
    expect(new Set(labels).size).toBe(MONITOR_STATES.length);
  });

  it("derives the page status from its components, ignoring those without a verdict", () => {
    expect(pageStatusOf([])).toEqual({ indicator: "none", description: "All Systems Operational" });
    expect(pageStatusOf(["up", "pending", "paused"]).indicator).toBe("none");
    expect(pageStatusOf(["up", "maintenance"]).indicator).toBe("maintenance");
    expect(pageStatusOf(["up", "degraded", "maintenance"])).toEqual({
      indicator: "minor",
      description: "Partially Degraded Service",
    });
    expect(pageStatusOf(["up", "affected"]).indicator).toBe("major");
    expect(pageStatusOf(["down", "up"])).toEqual({
      indicator: "major",
      description: "Partial System Outage",
    });
    expect(pageStatusOf(["down", "down", "paused"])).toEqual({
      indicator: "critical",
      description: "Major System Outage",
    });
    expect(pageStatusOf(["pending"]).indicator).toBe("none");
  });

  it("names a category of failure, never the raw error", () => {
    const c = (errorKind: string | null, statusCode: number | null, status = "down") =>
      failureCategory({ status, errorKind, statusCode });
    expect(c("timeout", null)).toBe("Timeout");
    expect(c("refused", null)).toBe("Connection failure");
    expect(c("blocked", null)).toBe("Connection failure");
    expect(c("dns", null)).toBe("DNS failure");
    expect(c("tls", null)).toBe("TLS failure");
    expect(c("something-new", null)).toBe("Check failed");
    expect(c(null, 503)).toBe("HTTP error");
    expect(c(null, 200)).toBe("Unexpected response");
    expect(c(null, 200, "degraded")).toBe("Slow or degraded response");
  });

  it("formats uptime without ever rounding up to 100%", () => {
    expect(formatUptime(null)).toBe("No data");
    expect(formatUptime(1)).toBe("100%");
    expect(formatUptime(0.99999)).toBe("99.99%");
    expect(formatUptime(0.999)).toBe("99.9%");
    expect(formatUptime(2 / 3)).toBe("66.66%");
    expect(formatUptime(0.5)).toBe("50%");
    expect(formatUptime(0)).toBe("0%");
  });

  it("measures WCAG contrast and accepts the defaults in both themes", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#ffffff", "#ffffff")).toBeCloseTo(1, 5);
    expect(contrastRatio("#767676", "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio("#777777", "#ffffff")).toBeLessThan(4.5);
    expect(colorProblems(DEFAULT_COLORS)).toEqual([]);
    const bad = { ...DEFAULT_COLORS, dark: { ...DEFAULT_COLORS.dark, text: "#222222" } };
    expect(colorProblems(bad).map((i) => i.path)).toEqual(["body.colors.dark.text"]);
  });

  it("accepts plain slugs and refuses malformed or reserved ones", () => {
    for (const ok of ["abc", "acme-status", "a1-b2-c3", "x".repeat(60)])
      expect(slugProblem(ok), ok).toBeUndefined();
    for (const bad of [
      "ab",
      "x".repeat(61),
      "-abc",
      "abc-",
      "a--b",
      "Acme",
      "a_b",
      "a b",
      "ünï",
      "api",
      "badge",
    ]) {
      expect(slugProblem(bad), bad).toBeDefined();
    }
  });
});
