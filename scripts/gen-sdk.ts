/** Writes packages/sdk/src/operations.ts from openapi.json (`npm run gen:api`). */
import { readFileSync, writeFileSync } from "node:fs";
import { operationsSource } from "./sdk-operations.ts";

writeFileSync(
  "packages/sdk/src/operations.ts",
  operationsSource(JSON.parse(readFileSync("openapi.json", "utf8"))),
);
