import { z } from "zod";

export const BROWSER_LIMITS = {
  steps: 20,
  selectorChars: 512,
  textChars: 1024,
  /** The most a stored screenshot may weigh (JPEG); a bigger one is taken again smaller, then dropped. */
  screenshotBytes: 300 * 1024,
  /** How many failed request URLs a result keeps (the count has them all). */
  failedUrls: 5,
} as const;

export const BROWSER_ACTIONS = ["goto", "click", "fill", "expectText"] as const;
export type BrowserAction = (typeof BROWSER_ACTIONS)[number];

/** What each action needs besides `action` (the rest must be absent). */
const NEEDS: Record<BrowserAction, { required: string[]; optional: string[] }> = {
  goto: { required: ["url"], optional: [] },
  click: { required: ["selector"], optional: [] },
  fill: { required: ["selector", "value"], optional: [] },
  expectText: { required: ["text"], optional: ["selector"] },
};

const Step = z
  .strictObject({
    action: z.enum(BROWSER_ACTIONS),
    url: z.string().min(1).max(2048).optional().meta({
      description: "goto: absolute, or relative to the monitor's target",
    }),
    selector: z.string().min(1).max(BROWSER_LIMITS.selectorChars).optional().meta({
      description: "click, fill, expectText: a CSS selector (or Playwright's text=…)",
    }),
    value: z.string().max(BROWSER_LIMITS.textChars).optional().meta({ description: "fill: the text typed" }),
    text: z.string().min(1).max(BROWSER_LIMITS.textChars).optional().meta({
      description: "expectText: text the page (or the selector's element) must show",
    }),
  })
  .superRefine((step, ctx) => {
    const needs = NEEDS[step.action];
    for (const field of needs.required) {
      if ((step as Record<string, unknown>)[field] === undefined)
        ctx.addIssue({ code: "custom", path: [field], message: `${step.action} needs ${field}` });
    }
    for (const field of ["url", "selector", "value", "text"]) {
      const allowed = needs.required.includes(field) || needs.optional.includes(field);
      if (!allowed && (step as Record<string, unknown>)[field] !== undefined)
        ctx.addIssue({ code: "custom", path: [field], message: `${step.action} takes no ${field}` });
    }
  });

export const BrowserBlock = z
  .strictObject({
    steps: z.array(Step).max(BROWSER_LIMITS.steps).default([]).meta({
      description:
        'Run in order after the target has loaded, e.g. [{"action":"fill","selector":"#q","value":"status"},{"action":"click","selector":"button"},{"action":"expectText","text":"Results"}]. Actions: goto (url), click (selector), fill (selector, value), expectText (text, optional selector).',
    }),
    waitUntil: z.enum(["load", "domcontentloaded", "networkidle"]).default("load").meta({
      description: "When the first page load (and each goto) counts as done",
    }),
  })
  .default({ steps: [], waitUntil: "load" });

export interface BrowserStep {
  action: BrowserAction;
  url?: string;
  selector?: string;
  value?: string;
  text?: string;
}

export interface BrowserSettings {
  steps: BrowserStep[];
  waitUntil: "load" | "domcontentloaded" | "networkidle";
}
