import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/**
 * The functions with the most self time in a V8 .cpuprofile, as "share  function  file:line".
 * Usable on its own: node --import tsx bench/lib/profile-summary.ts file.cpuprofile
 */
export function summarizeProfile(file: string, top = 25): string[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as { nodes: ProfileNode[] };
  const byFrame = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^file:\/\/.*?node_modules\//, "").replace(/^file:\/\/.*?\/src\//, "src/")}:${lineNumber + 1}`
      : "";
    const key = `${functionName || "(anonymous)"}  ${where}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + hits);
  }
  return [...byFrame.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, hits]) => `${((hits / Math.max(1, total)) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

export function summarizeProfileDir(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => `## ${f}\n${summarizeProfile(path.join(dir, f)).join("\n")}`)
    .join("\n\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) process.stdout.write(`${summarizeProfile(file).join("\n")}\n`);
}
