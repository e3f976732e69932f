import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configTableMarkdown } from "../src/cli/config-docs.ts";
import { ENV_VARS } from "../src/config/schema.ts";

describe("documentation stays true", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

  it("README carries the configuration table generated from the schema (npm run docs:config)", () => {
    expect(readme).toContain(configTableMarkdown().trim());
    for (const name of Object.keys(ENV_VARS)) expect(readme).toContain(`\`${name}\``);
  });

  it("README shows the two commands", () => {
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm test");
  });
});
