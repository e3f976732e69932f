/**
 * The JSON Schema of a config file (docs/upblit-config.schema.json), made from the API's own
 * request schemas in the OpenAPI document, so editors check a file the way the server will: each
 * resource is its create body with a `key`, and references by key in place of ids.
 */
type Schema = Record<string, unknown> & {
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
};
interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

const KEY: Schema = {
  type: "string",
  pattern: "^[a-z0-9][a-z0-9._-]{0,99}$",
  description:
    "Finds this resource on the server on every apply: unique per kind, lowercase letters, digits, . _ -",
};
const keyList = (of: string): Schema => ({
  type: "array",
  items: { type: "string", description: `The key of a ${of}` },
  description: `Keys of ${of}s declared in the files`,
});

export function configFileSchema(doc: OpenApi): Schema {
  const body = (path: string) => {
    const schema = doc.paths[path]?.post?.requestBody?.content["application/json"]?.schema;
    if (!schema) throw new Error(`the OpenAPI document has no POST ${path} body`);
    return clone(schema);
  };
  const defs: Record<string, Schema> = {};
  const resolve = (s: Schema): Schema => {
    const ref = s.$ref as string | undefined;
    return ref ? clone(doc.components.schemas[ref.split("/").pop()!]!) : s;
  };

  const monitors = (body("/api/v1/monitors").oneOf ?? []).map((branch) => {
    const m = withKey(resolve(branch));
    m.properties!.parents = keyList("monitor");
    m.properties!.channels = keyList("channel");
    return m;
  });
  const channels = (body("/api/v1/channels").oneOf ?? []).map((branch) => withKey(resolve(branch)));

  const rule = withKey(body("/api/v1/alert-rules"));
  rename(rule, "channelIds", "channels", keyList("channel"));
  const steps = rule.properties!.escalation?.items;
  if (steps) rename(steps, "channelIds", "channels", { ...keyList("channel"), minItems: 1 });

  const window = withKey(body("/api/v1/maintenance-windows"));
  rename(window, "monitorIds", "monitors", keyList("monitor"));

  const page = withKey(body("/api/v1/status-pages"));
  const component = page.properties!.groups?.items?.properties?.components?.items;
  if (component)
    rename(component, "monitorId", "monitor", { type: "string", description: "The key of a monitor" });

  const text = JSON.stringify({ monitors, channels, rule, window, page });
  for (const name of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
    defs[name[1]!] = doc.components.schemas[name[1]!]!;
  }
  const fixed = JSON.parse(text.replaceAll("#/components/schemas/", "#/$defs/")) as {
    monitors: Schema[];
    channels: Schema[];
    rule: Schema;
    window: Schema;
    page: Schema;
  };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://upblit.dev/schemas/upblit-config.schema.json",
    title: "Upblit configuration (upblit plan / apply / export)",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the file format's own syntax, documented
    description: "See docs/config-as-code.md. Strings may hold ${ENV_VAR} references, resolved when applied.",
    type: "object",
    additionalProperties: false,
    properties: {
      $schema: { type: "string" },
      version: { const: 1 },
      channels: { type: "array", items: { oneOf: fixed.channels } },
      monitors: { type: "array", items: { oneOf: fixed.monitors } },
      alertRules: { type: "array", items: fixed.rule },
      maintenanceWindows: { type: "array", items: fixed.window },
      statusPages: { type: "array", items: fixed.page },
    },
    $defs: JSON.parse(JSON.stringify(defs).replaceAll("#/components/schemas/", "#/$defs/")),
  };
}

function clone(s: Schema): Schema {
  return JSON.parse(JSON.stringify(s)) as Schema;
}

function withKey(s: Schema): Schema {
  delete s.$id;
  s.properties = { key: KEY, ...s.properties };
  s.required = ["key", ...(s.required ?? [])];
  return s;
}

/** Renames a property (an id list becomes a key list), in `required` too. */
function rename(s: Schema, from: string, to: string, schema: Schema): void {
  if (!s.properties?.[from]) return;
  const { [from]: _old, ...rest } = s.properties;
  s.properties = { ...rest, [to]: schema };
  if (s.required) s.required = s.required.map((r) => (r === from ? to : r));
}
