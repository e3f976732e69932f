import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEPCRUISE = path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
const CONFIG = path.join(ROOT, ".dependency-cruiser.mjs");

/** A small src/ with `.ts` specifiers, as the project writes them: allowed edges and forbidden ones. */
const FIXTURE: Record<string, string> = {
  "tsconfig.json": JSON.stringify({
    compilerOptions: {
      module: "NodeNext",
      moduleResolution: "NodeNext",
      allowImportingTsExtensions: true,
      noEmit: true,
    },
  }),
  "src/lib/ids.ts": "export const id = 1;\n",
  "src/lib/sse.ts": 'import { id } from "./ids.ts";\nexport const sse = id;\n',
  // Allowed: services → lib, notify → services, api → status, status → lib.
  "src/services/send-port.ts": 'import { id } from "../lib/ids.ts";\nexport const port = id;\n',
  "src/notify/send.ts": 'import { port } from "../services/send-port.ts";\nexport const send = port;\n',
  "src/status/events.ts": 'import { sse } from "../lib/sse.ts";\nexport const events = sse;\n',
  "src/api/app.ts": 'import { events } from "../status/events.ts";\nexport const app = events;\n',
  // Forbidden: services → notify (the layer above), status → api, built code → a test helper.
  "src/services/preview.ts": 'import { send } from "../notify/send.ts";\nexport const preview = send;\n',
  "src/status/live.ts": 'import { app } from "../api/app.ts";\nexport const live = app;\n',
  "src/test/helpers.ts": "export const helper = 1;\n",
  "src/api/isolation.fixtures.ts": 'import { helper } from "../test/helpers.ts";\nexport const f = helper;\n',
  // A test may import anything.
  "src/services/preview.test.ts":
    'import { helper } from "../test/helpers.ts";\nimport { app } from "../api/app.ts";\nexport const t = [helper, app];\n',
};

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the lint's depcruise command on a directory; resolves with its exit code and violations. */
function depcruise(cwd: string): Promise<{ code: number; violations: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [DEPCRUISE, "src", "--config", CONFIG],
      { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
      (err, stdout) => {
        if (err && typeof err.code !== "number") return reject(err);
        // `  error <rule>: <from> → <to>`, one per violation (the lint's own output).
        const violations = [...stdout.matchAll(/^\s*error (\S+): (\S+) → (\S+)$/gm)].map(
          ([, rule, from, to]) => `${rule}: ${from} → ${to}`,
        );
        resolve({ code: err ? Number(err.code) : 0, violations: violations.sort() });
      },
    );
  });
}

describe("the dependency graph (npm run lint: dependency-cruiser)", () => {
  it("fails on an import against the layers and on built code importing test code, not on allowed ones", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "upblit-depcruise-"));
    dirs.push(dir);
    for (const [file, text] of Object.entries(FIXTURE)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const { code, violations } = await depcruise(dir);
    expect(violations).toEqual(
      [
        "layers-services: src/services/preview.ts → src/notify/send.ts",
        "layers-status: src/status/live.ts → src/api/app.ts",
        "layers-api: src/api/isolation.fixtures.ts → src/test/helpers.ts",
        "not-to-test: src/api/isolation.fixtures.ts → src/test/helpers.ts",
      ].sort(),
    );
    expect(code).not.toBe(0);
  }, 330_000);
});
