import type { Ctx } from "../context.ts";
import { upsertByKey } from "../resource-keys/upsert.ts";
import { changeRule, insertRule, type RuleInput, type RuleView } from "./rules.ts";

/**
 * `PUT /alert-rules/by-key/{key}`: creates the rule and gives it the key when the key names none,
 * else replaces the rule it names (every field, `escalation` as a whole), in one transaction.
 */
export async function upsertRuleByKey(
  ctx: Ctx,
  key: string,
  input: RuleInput,
): Promise<{ created: boolean; rule: RuleView }> {
  const done = await upsertByKey(ctx, "alert-rule", key, {
    create: (tx, id) => insertRule(tx, ctx, id, input),
    update: (tx, id) => changeRule(tx, ctx, id, input),
  });
  return { created: done.created, rule: done.value };
}
