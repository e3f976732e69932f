import { ENV_VARS } from "../config/schema.ts";

/** The README's configuration table, generated from the schema so the two cannot drift. */
export function configTableMarkdown(): string {
  const rows = Object.entries(ENV_VARS).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.default === undefined ? "—" : `\`${spec.default}\``} | ${spec.doc} |`,
  );
  return ["| Variable | Default | Meaning |", "| --- | --- | --- |", ...rows, ""].join("\n");
}
