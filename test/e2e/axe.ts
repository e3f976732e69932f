/** axe-core in a real browser page, shared by the status page and dashboard browser tests. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { expect } from "vitest";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeRule {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}
interface AxeResult {
  violations: AxeRule[];
  passes: AxeRule[];
  incomplete: AxeRule[];
}

/**
 * Runs axe-core (WCAG 2 A/AA rules and best practices) in the page and returns its serious and
 * critical violations. It fails unless the contrast and landmark rules actually ran, so an axe
 * that silently checked nothing cannot pass.
 */
export async function seriousViolations(tab: Page): Promise<string[]> {
  await tab.evaluate(AXE_SOURCE);
  const result = await tab.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<AxeResult> } }).axe;
    const r = await axe.run(document, {});
    return {
      violations: r.violations,
      ran: [...r.passes, ...r.violations, ...r.incomplete].map((x) => x.id),
    };
  });
  expect(result.ran).toEqual(
    expect.arrayContaining(["color-contrast", "landmark-one-main", "document-title"]),
  );
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}
