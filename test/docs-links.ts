import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** Every Markdown file of the repository outside node_modules and dot folders, relative to `root`. */
export function markdownFiles(root: string, dir = ""): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        return entry.name === "node_modules" || entry.name.startsWith(".") ? [] : markdownFiles(root, rel);
      }
      return entry.name.endsWith(".md") ? [rel] : [];
    })
    .sort();
}

/** Markdown text without fenced code blocks and inline code spans, where links are only text. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2… */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").split("\n")) {
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Whether `target` (`file.md`, `file.md#anchor`, `#anchor`), seen from `fromFile`, leads somewhere. */
export function brokenTarget(root: string, fromFile: string, target: string): string | undefined {
  const [file, anchor] = target.split("#", 2) as [string, string | undefined];
  const resolved = file
    ? path.resolve(path.dirname(path.join(root, fromFile)), decodeURI(file))
    : path.join(root, fromFile);
  if (!existsSync(resolved)) return `${fromFile}: ${target} (no such file)`;
  if (anchor === undefined || !resolved.endsWith(".md")) return undefined;
  if (!anchorsOf(readFileSync(resolved, "utf8")).has(anchor))
    return `${fromFile}: ${target} (no such heading)`;
  return undefined;
}

/** Relative links (`[text](target)`) in a Markdown file that lead nowhere; web and mail links are skipped. */
export function brokenLinks(root: string, file: string): string[] {
  const text = prose(readFileSync(path.join(root, file), "utf8"));
  const broken: string[] = [];
  for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const problem = brokenTarget(root, file, target);
    if (problem) broken.push(problem);
  }
  return broken;
}
