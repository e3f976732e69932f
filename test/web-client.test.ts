import { readFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../src/cli/openapi-doc.ts";

/**
 * The dashboard's typed client is generated from the OpenAPI document; a route or schema change
 * without `npm run gen:api` would leave it describing an API that no longer exists.
 */
describe("web/src/api/schema.d.ts", () => {
  it("is generated from the current OpenAPI document (run `npm run gen:api`)", async () => {
    const doc = (await openApiDocument()) as Parameters<typeof openapiTS>[0];
    const generated = astToString(await openapiTS(doc));
    const committed = readFileSync(new URL("../web/src/api/schema.d.ts", import.meta.url), "utf8");
    const body = (text: string) => text.slice(text.indexOf("export interface paths"));
    expect(body(committed) === body(generated), "web/src/api/schema.d.ts is stale: run npm run gen:api").toBe(
      true,
    );
  }, 120_000);
});
