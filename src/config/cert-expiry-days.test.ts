import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./load.ts";

/** CERT_EXPIRY_WARN_DAYS: the default certificate warning thresholds. */
describe("CERT_EXPIRY_WARN_DAYS", () => {
  const days = (value?: string) =>
    loadConfig(value === undefined ? {} : { CERT_EXPIRY_WARN_DAYS: value }).certificates.warnDays;
  const problem = (value: string) => {
    try {
      loadConfig({ CERT_EXPIRY_WARN_DAYS: value });
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.join("\n");
      throw err;
    }
    return "";
  };

  it("defaults to 30, 14 and 7 days, and takes a comma-separated list with spaces", () => {
    expect(days()).toEqual([30, 14, 7]);
    expect(days(" 60, 1 ")).toEqual([60, 1]);
    expect(days("")).toEqual([]);
  });

  it("refuses values outside 1..365, fractions, text, repeats and more than five thresholds", () => {
    expect(problem("0")).toContain("at least 1 day");
    expect(problem("30,366")).toContain("at most 365 days");
    expect(problem("7.5")).toContain("whole days");
    expect(problem("soon")).toMatch(/^CERT_EXPIRY_WARN_DAYS="soon": /);
    expect(problem("7,7")).toContain("a threshold is given twice");
    expect(problem("60,30,14,7,3,1")).toContain("at most 5 thresholds");
  });
});
