import { z } from "zod";
import { CHANNEL_ADAPTERS } from "../../notify/channels/index.ts";

type Schema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };
const REF = "#/components/schemas/";

/** `pagerduty` → `PagerdutyChannelInput`: one named schema per kind. */
const nameOf = (kind: string) =>
  `${kind
    .split(/[^a-z0-9]+/i)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("")}ChannelInput`;

const jsonOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "input", target: "draft-2020-12", unrepresentable: "any" }) as Schema;

/**
 * The body of "create a channel" as a union discriminated by `kind`, one named branch per kind,
 * whose `config` and `secrets` are the kind adapter's own zod schemas — the same ones the route
 * validates them with (channels.routes.ts, parseSettings). The route's zod body keeps them as
 * records so that problems are reported per kind under `body.config` and `body.secrets`.
 */
export function channelUnion(generic: Schema): { body: Schema; schemas: Record<string, Schema> } {
  const schemas: Record<string, Schema> = {};
  const mapping: Record<string, string> = {};
  for (const adapter of CHANNEL_ADAPTERS.values()) {
    const name = nameOf(adapter.kind);
    const { $schema: _c, ...config } = jsonOf(adapter.config);
    const { $schema: _s, ...secrets } = jsonOf(adapter.secrets);
    schemas[name] = {
      ...generic,
      title: `${adapter.label} channel`,
      properties: {
        ...generic.properties,
        kind: { type: "string", const: adapter.kind },
        config: { ...config, description: "Settings of this kind (not secret; returned as they are)" },
        secrets: { ...secrets, description: "Secrets of this kind: stored encrypted, never returned" },
      },
      // config or secrets with required settings must be sent; otherwise they default to {}.
      required: [
        ...new Set([
          ...(generic.required ?? []),
          "kind",
          ...(config.required?.length ? ["config"] : []),
          ...(secrets.required?.length ? ["secrets"] : []),
        ]),
      ],
    };
    mapping[adapter.kind] = REF + name;
  }
  return {
    body: {
      oneOf: Object.values(mapping).map(($ref) => ({ $ref })),
      discriminator: { propertyName: "kind", mapping },
    },
    schemas,
  };
}
