import { z } from "zod";
import type { MonitorTypeDefinition } from "./define.ts";

const JsonSchema = z.record(z.string(), z.unknown());

/** One type as `GET /monitor-types` lists it: what a form needs to ask for a monitor of it. */
export const MonitorTypeInfo = z
  .object({
    type: z.string().meta({ example: "postgres" }),
    summary: z.string().meta({ description: "What a check of this type does, in one sentence" }),
    target: JsonSchema.meta({
      description: "JSON Schema (draft 2020-12) of `target`; `example` shows its shape",
    }),
    settings: z.record(z.string(), JsonSchema).meta({
      description:
        "The settings blocks the type takes, by name, each as JSON Schema (input side: defaults are optional). Properties marked `writeOnly` are secrets: responses show [redacted]",
    }),
    subjects: z.array(z.string()).meta({
      description: "The assertion subjects a check of this type answers (`assertions[].subject`)",
    }),
    passive: z.boolean().meta({ description: "Pushed to (heartbeat), never checked by Upblit" }),
    available: z.boolean().meta({
      description:
        "Whether this server can check the type; false when it lacks what the type needs (browser: a Chromium, BROWSER_EXECUTABLE). Creating a monitor of an unavailable type is refused (422 at `type`)",
    }),
    unavailableReason: z.string().nullable().meta({ description: "What to configure; null when available" }),
  })
  .meta({ id: "MonitorTypeInfo" });

const toSchema = (s: z.ZodType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
  return rest;
};

/**
 * A type's own zod schemas as JSON Schema, so a client builds its form from the rules the API
 * validates with: a new type in the registry needs no change in the dashboard. Refinements JSON
 * Schema cannot say stay on the server; their problems come back per field.
 */
export function describeMonitorType(
  t: MonitorTypeDefinition,
  capabilities: { browser: boolean } = { browser: true },
): z.infer<typeof MonitorTypeInfo> {
  const available = t.needs !== "browser" || capabilities.browser;
  return {
    type: t.type,
    summary: t.summary,
    target: toSchema(t.target),
    settings: Object.fromEntries(Object.entries(t.settings).map(([name, s]) => [name, toSchema(s)])),
    subjects: [...t.subjects],
    passive: t.passive === true,
    available,
    unavailableReason: available ? null : "no Chromium on the server: install it or set BROWSER_EXECUTABLE",
  };
}
