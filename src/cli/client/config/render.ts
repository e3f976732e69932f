import type { Plan } from "./plan.ts";

const show = (v: unknown): string => {
  if (v === undefined) return "(unset)";
  const text = JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
};

/**
 * The plan as people read it: `+` create, `~` update (one line per field: before → after),
 * `-` delete, then a count. Values from `${ENV}` are shown as the reference, never resolved.
 */
export function renderPlan(plan: Plan): string {
  const lines: string[] = [];
  for (const a of plan.actions) {
    const name = `${a.kind.label} ${a.key}`;
    if (a.type === "create") {
      lines.push(`+ ${name} (create)`);
      for (const [field, value] of Object.entries(a.decl)) {
        if (field !== "key") lines.push(`    ${field}: ${show(value)}`);
      }
    } else if (a.type === "update") {
      const how = a.adopt ? `adopt ${a.item.id}, found by its ${a.kind.identity}` : `update ${a.item.id}`;
      lines.push(`~ ${name} (${how})`);
      for (const c of a.changes) lines.push(`    ${c.path}: ${show(c.from)} → ${show(c.to)}`);
    } else {
      lines.push(`- ${name} (delete ${a.item.id})`);
    }
  }
  for (const k of plan.kept) {
    lines.push(`  ${k.kind.label} ${k.key} (${k.item.id}) is in no file: kept (--prune deletes it)`);
  }
  const count = (t: string) => plan.actions.filter((a) => a.type === t).length;
  const summary =
    plan.actions.length === 0
      ? `No changes: the server matches the files (${plan.unchanged} unchanged).`
      : `Plan: ${count("create")} to create, ${count("update")} to update, ${count("delete")} to delete, ${plan.unchanged} unchanged.`;
  return `${[...lines, summary].join("\n")}\n`;
}
