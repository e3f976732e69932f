import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder of Upblit's package.json, found by walking up from this file: the same answer from
 * the TypeScript sources (src/lib) and the compiled JavaScript (dist/lib), wherever it is installed.
 */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "upblit") return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no upblit package.json above ${from}`);
    dir = parent;
  }
}
