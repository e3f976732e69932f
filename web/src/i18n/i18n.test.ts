import { describe, expect, it } from "vitest";
import { alerting } from "./en/alerting.ts";
import { en } from "./en/index.ts";
import { t } from "./index.ts";

describe("message catalogue", () => {
  it("fills parameters and leaves unknown ones visible", () => {
    expect(t("error.generic", { detail: "timeout" })).toBe("Something went wrong: timeout");
    expect(t("error.generic")).toBe("Something went wrong: {detail}");
  });

  it("has no empty message", () => {
    const empty = Object.entries({ ...en, ...alerting }).filter(([, text]) => text.trim() === "");
    expect(empty).toEqual([]);
  });
});
