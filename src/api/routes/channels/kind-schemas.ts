import { z } from "zod";
import type { ChannelAdapter } from "../../../notify/channels/types.ts";

/** One kind as `GET /channel-kinds` lists it: what a form needs to ask for its settings. */
export const ChannelKind = z
  .object({
    kind: z.string(),
    label: z.string(),
    config: z.record(z.string(), z.unknown()).meta({
      description: "JSON Schema (draft 2020-12) of `config`: readable settings, returned as saved",
    }),
    secrets: z.record(z.string(), z.unknown()).meta({
      description: "JSON Schema (draft 2020-12) of `secrets`: write-only settings, never returned",
    }),
    generatedSecrets: z.array(z.string()).meta({
      description: "Secrets Upblit generates when a new channel leaves them out (shown once on create)",
    }),
  })
  .meta({ id: "ChannelKind" });

/**
 * The kind's own zod schemas as JSON Schema (the input side: defaults are optional), so a client
 * can build the form from the same rules the API validates with. Refinements that JSON Schema
 * cannot say stay on the server; their problems come back per field.
 */
export function describeKind(adapter: ChannelAdapter): z.infer<typeof ChannelKind> {
  const schema = (s: z.ZodType) => {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
    return rest;
  };
  return {
    kind: adapter.kind,
    label: adapter.label,
    config: schema(adapter.config),
    secrets: schema(adapter.secrets),
    generatedSecrets: Object.keys(adapter.generateSecrets?.({}) ?? {}),
  };
}
