/**
 * The source of packages/sdk/src/operations.ts, made from openapi.json: each operationId's
 * method and path, which the SDK's typed methods call (their types come from schema.ts, made by
 * openapi-typescript in the same `npm run gen:api`).
 */
export function operationsSource(doc: {
  paths: Record<string, Record<string, { operationId: string; summary?: string }>>;
}): string {
  const lines = Object.entries(doc.paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        op,
      })),
    )
    .sort((a, b) => a.id.localeCompare(b.id))
    .map(
      ({ id, method, path, op }) =>
        `  /** ${(op.summary ?? "").replaceAll("*/", "* /")} */\n  ${id}: { method: "${method}", path: "${path}" },`,
    );
  return `// Generated from openapi.json by \`npm run gen:api\` (scripts/gen-sdk.ts); do not edit.\n\n/** Every operation of the API by operationId. */\nexport const OPERATIONS = {\n${lines.join("\n")}\n} as const;\n`;
}
