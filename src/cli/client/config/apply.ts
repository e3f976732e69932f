import type { Upblit } from "#sdk";
import { topFields } from "./compare.ts";
import { type Declared, resolveEnv } from "./file.ts";
import type { Item, Shape } from "./kinds.ts";
import type { Action, Plan } from "./plan.ts";
import { call } from "./state.ts";

/** A file field whose API name differs (references by key become ids). */
const API_FIELD: Record<string, string> = { channels: "channelIds", monitors: "monitorIds" };

export interface ApplyResult {
  /** One line per change made, in order (a change cut short in its middle included, said so). */
  done: string[];
  /** The change the server refused (`create monitors.bad`) and its error (the server's problem). */
  failed?: { what: string; error: unknown };
  /** The changes after it, not attempted (`create monitors.later`). */
  notAttempted: string[];
}

/** An action that failed after one of its API calls took effect (a create whose key was not set). */
class HalfDone extends Error {
  constructor(
    readonly line: string,
    readonly error: unknown,
  ) {
    super(line);
  }
}

const describe = (a: Action): string => `${a.type} ${a.kind.section}.${a.key}`;

/**
 * Does what the plan says, through the public API, in its order: creates and updates kind by
 * kind (channels, monitors, alert rules, maintenance, status pages; a new monitor after its new
 * parents), then deletions in the reverse order. It stops at the first refusal and reports what
 * was done before it; applying again resumes (what was done now matches the files).
 */
export async function applyPlan(
  client: Upblit,
  plan: Plan,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<ApplyResult> {
  const done: string[] = [];
  const writes = orderCreates(plan.actions.filter((a) => a.type !== "delete"));
  const deletes = plan.actions.filter((a) => a.type === "delete").reverse();
  const ordered = [...writes, ...deletes];
  for (const [i, action] of ordered.entries()) {
    try {
      const line = await run(client, plan, action, env);
      done.push(line);
      log(line);
    } catch (error) {
      if (error instanceof HalfDone) {
        done.push(error.line);
        log(error.line);
      }
      return {
        done,
        failed: { what: describe(action), error: error instanceof HalfDone ? error.error : error },
        notAttempted: ordered.slice(i + 1).map(describe),
      };
    }
  }
  return { done, notAttempted: [] };
}

async function run(client: Upblit, plan: Plan, action: Action, env: NodeJS.ProcessEnv): Promise<string> {
  const { kind, key } = action;
  const name = `${kind.section}.${key}`;
  if (action.type === "delete") {
    await call(client, kind.op.remove, { path: { id: action.item.id } });
    return `deleted ${name} (${action.item.id})`;
  }
  const decl = resolveEnv(action.decl, env);
  const { key: _key, ...fields } = decl;
  const body = kind.toApi(fields, plan.refs);
  if (action.type === "create") {
    const created = (await call(client, kind.op.create, { body })) as Item;
    try {
      await call(client, kind.op.setKey, { path: { key }, body: { id: created.id } });
    } catch (error) {
      throw new HalfDone(`created ${name} (${created.id}) without its key: delete it or adopt it`, error);
    }
    plan.refs.set(kind.section, key, created.id);
    if (kind.section === "monitors") {
      try {
        await setMonitorChannels(client, plan, action.decl, created.id, true);
      } catch (error) {
        throw new HalfDone(`created ${name} (${created.id}) without its channels`, error);
      }
    }
    return `created ${name} (${created.id})`;
  }
  if (action.adopt) await call(client, kind.op.setKey, { path: { key }, body: { id: action.item.id } });
  const changed = topFields(action.changes).filter((f) => !(kind.section === "monitors" && f === "channels"));
  if (changed.length) {
    const patch: Shape = {};
    for (const field of changed) {
      const apiField = kind.section === "monitors" ? field : (API_FIELD[field] ?? field);
      patch[apiField] = body[apiField];
    }
    if (kind.section === "channels") {
      delete patch.kind;
      if (fields.secrets !== undefined) patch.secrets = fields.secrets;
    }
    await call(client, kind.op.update, { path: { id: action.item.id }, body: patch });
  }
  const channelsChanged = action.changes.some((c) => c.path.startsWith("channels"));
  if (kind.section === "monitors" && channelsChanged) {
    await setMonitorChannels(client, plan, action.decl, action.item.id, false);
  }
  return `${action.adopt ? "adopted" : "updated"} ${name} (${action.item.id})${changed.length ? `: ${changed.join(", ")}` : ""}`;
}

async function setMonitorChannels(
  client: Upblit,
  plan: Plan,
  decl: Declared,
  monitorId: string,
  onlyWhenGiven: boolean,
): Promise<void> {
  if (!Array.isArray(decl.channels) || (onlyWhenGiven && decl.channels.length === 0)) return;
  const channelIds = decl.channels.map((k) => plan.refs.idOf("channels", String(k)));
  await call(client, "setMonitorChannels", { path: { id: monitorId }, body: { channelIds } });
}

/** Creates of monitors ordered so that a parent is created before its children; updates after. */
function orderCreates(actions: Action[]): Action[] {
  const out: Action[] = [];
  for (const section of ["channels", "monitors", "alertRules", "maintenanceWindows", "statusPages"]) {
    const mine = actions.filter((a) => a.kind.section === section);
    const creates = mine.filter((a) => a.type === "create");
    if (section === "monitors") {
      const pending = new Map(creates.map((a) => [a.key, a]));
      const visit = (a: Action, seen: Set<string>): void => {
        if (!pending.has(a.key) || seen.has(a.key)) return;
        seen.add(a.key);
        const parents = a.type === "create" && Array.isArray(a.decl.parents) ? a.decl.parents : [];
        for (const p of parents) {
          const parent = pending.get(String(p));
          if (parent) visit(parent, seen);
        }
        pending.delete(a.key);
        out.push(a);
      };
      for (const a of creates) visit(a, new Set());
    } else out.push(...creates);
    out.push(...mine.filter((a) => a.type === "update"));
  }
  return out;
}
