import { describe, expect, it } from "vitest";
import { alerting } from "./en/alerting.ts";
import { en } from "./en/index.ts";
import { addMessages, type PluralKey, t, tlist, tn } from "./index.ts";

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
  });

  it("counts monitors, tags, checks and runs in the singular for one", () => {
    addMessages(alerting);
    const cases: Array<[PluralKey, string, string, Record<string, string | number>?]> = [
      ["monitors.selectAll", "Select the 1 monitor in view", "Select all 3 monitors in view"],
      ["monitors.loaded", "1 monitor loaded", "3 monitors loaded"],
      ["monitors.group.toggle", "db: 1 monitor, 0 down", "db: 3 monitors, 0 down", { tag: "db", down: 0 }],
      [
        "monitors.bar.label",
        "Last check: all up; latest up",
        "Last 3 checks: all up; latest up",
        { counts: "all up", latest: "up" },
      ],
      ["bulk.confirmDelete.title", "Delete 1 monitor?", "Delete 3 monitors?"],
      ["bulk.confirmDelete.confirm", "Delete 1 monitor", "Delete 3 monitors"],
      [
        "bulk.done.pause",
        "Paused 1 monitor (0 already paused).",
        "Paused 3 monitors (0 already paused).",
        { unchanged: 0 },
      ],
      [
        "bulk.done.resume",
        "Resumed 1 monitor (1 not paused).",
        "Resumed 3 monitors (1 not paused).",
        { unchanged: 1 },
      ],
      ["bulk.done.delete", "Deleted 1 monitor.", "Deleted 3 monitors."],
      ["bulk.done.addTags", "Tagged 1 monitor.", "Tagged 3 monitors."],
      ["bulk.done.removeTags", "Untagged 1 monitor.", "Untagged 3 monitors."],
      ["bulk.done.addChannels", "Added the channel to 1 monitor.", "Added the channel to 3 monitors."],
      [
        "bulk.done.removeChannels",
        "Removed the channel from 1 monitor.",
        "Removed the channel from 3 monitors.",
      ],
      ["wall.allUp", "The 1 monitor is up", "All 3 monitors are up"],
      ["map.independent", "1 monitor without dependencies", "3 monitors without dependencies"],
      [
        "detail.runDurationsLabel",
        "Run duration chart of the latest timed run",
        "Run duration chart of the latest 3 timed runs",
      ],
      ["maintenance.selectAll", "Select the 1 monitor", "Select all 3 monitors"],
      ["maintenance.selectAllTags", "Select the 1 tag", "Select all 3 tags"],
      [
        "monitorForm.quorumHint",
        "How many regions must see it down in the same check for the monitor to be down (only 1 region is listed). Empty: a majority.",
        "How many of the 3 regions must see it down in the same check for the monitor to be down. Empty: a majority.",
      ],
    ];
    for (const [key, one, several, params = {}] of cases) {
      expect(tn(key, 1, params)).toBe(one);
      expect(tn(key, 3, params)).toBe(several);
    }
    const withS = Object.entries({ ...en, ...alerting }).filter(([, text]) => /\w\(s\)/.test(text));
    expect(withS).toEqual([]);
  });

  it('joins a list with "and" before the last item, and the last number says day or days', () => {
    expect(tlist([])).toBe("");
    expect(tlist([7])).toBe("7");
    expect(tlist([14, 7])).toBe("14 and 7");
    expect(tlist([30, 14, 7])).toBe("30, 14 and 7");
    expect(tn("detail.certWarn", 1, { days: tlist([1]) })).toBe("Warns at 1 day left.");
    expect(tn("detail.certWarn", 3, { days: tlist([3]) })).toBe("Warns at 3 days left.");
    expect(tn("detail.certWarn", 7, { days: tlist([30, 14, 7]) })).toBe("Warns at 30, 14 and 7 days left.");
    expect(tn("detail.certWarn", 1, { days: tlist([7, 1]) })).toBe("Warns at 7 and 1 day left.");
  });

  it("has no empty message", () => {
    const empty = Object.entries({ ...en, ...alerting }).filter(([, text]) => text.trim() === "");
    expect(empty).toEqual([]);
  });
});
