import { describe, expect, it } from "vitest";
import { alerting } from "./en/alerting.ts";
import { en } from "./en/index.ts";
import { addMessages, t, tn } from "./index.ts";

describe("message catalogue", () => {
  it("fills parameters and leaves unknown ones visible", () => {
    expect(t("error.generic", { detail: "timeout" })).toBe("Something went wrong: timeout");
    expect(t("error.generic")).toBe("Something went wrong: {detail}");
  });

  it('says one and many in their own words, never "(s)"', () => {
    expect(tn("timeline.attempts", 1)).toBe("1 attempt");
    expect(tn("timeline.attempts", 0)).toBe("0 attempts");
    expect(tn("timeline.attempts", 3)).toBe("3 attempts");
    addMessages(alerting);
    expect(tn("deliveries.attempts", 1)).toBe("1 attempt");
    expect(tn("deliveries.attempts", 2)).toBe("2 attempts");
    expect(tn("deliveries.selectDead", 1)).toBe("Select the 1 dead letter shown");
    expect(tn("deliveries.selectDead", 4)).toBe("Select all 4 dead letters shown");
    expect(tn("deliveries.retried", 1)).toBe("1 delivery queued again: it is pending now.");
    expect(tn("deliveries.retried", 3)).toBe("3 deliveries queued again: they are pending now.");
    const withS = Object.entries({ ...en, ...alerting }).filter(([, text]) => /\w\(s\)/.test(text));
    expect(withS).toEqual([]);
  });

  it("has no empty message", () => {
    const empty = Object.entries({ ...en, ...alerting }).filter(([, text]) => text.trim() === "");
    expect(empty).toEqual([]);
  });
});
