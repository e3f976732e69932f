/**
 * vitest globalSetup: the browser tests drive the built dashboard (web/dist), so build it when it
 * is missing or older than its sources (`npm ci` builds it through `prepare`; a source edit while
 * developing would otherwise test yesterday's bundle). Runs once per `npm test`, before any file.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WEB = path.join(ROOT, "web");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

export function webIsStale(): boolean {
  const built = path.join(WEB, "dist/index.html");
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(path.join(WEB, "src")),
    newestMtime(path.join(WEB, "public")),
    statSync(path.join(WEB, "index.html")).mtimeMs,
    statSync(path.join(WEB, "vite.config.ts")).mtimeMs,
  );
  return sources > statSync(built).mtimeMs;
}

export default function setup(): void {
  if (!webIsStale()) return;
  process.stdout.write("building the dashboard (web/dist is missing or older than web/src)…\n");
  execFileSync(
    process.execPath,
    [path.join(ROOT, "node_modules/vite/bin/vite.js"), "build", WEB, "--logLevel", "warn"],
    // vitest sets NODE_ENV=test, which would make Vite build React's development bundle.
    { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } },
  );
}
