import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { DEEP_LINKS, deepLinkOf, incidentLink } from "../domain/deep-links.ts";
import { acknowledgeUrlFor } from "../services/alerts/ack-links.ts";
import { monitorPart } from "../services/alerts/outbox.ts";
import type { Runtime } from "../services/context.ts";
import { LINK_PAGES, pageLink, tokenLink } from "../services/mail/messages.ts";
import { isSpaRequest } from "./web.ts";

const BASE = "https://upblit.example.com";
const SRC = path.resolve(import.meta.dirname, "..");

/** `${…}` expressions (nested braces included) replaced by `x`, so a template reads as a path. */
function withPlaceholders(template: string): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    if (template[i] === "$" && template[i + 1] === "{") {
      let depth = 0;
      let j = i + 1;
      for (; j < template.length; j++) {
        if (template[j] === "{") depth++;
        else if (template[j] === "}" && --depth === 0) break;
      }
      out += "x";
      i = j;
    } else out += template[i];
  }
  return out;
}

/** Every `${…publicUrl…}/path` (or `${base}/path`) template in the sources, as a path with `x` placeholders. */
function emittedPaths(): Array<{ file: string; path: string }> {
  const found: Array<{ file: string; path: string }> = [];
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || !file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
    // Adapters get every Upblit link in the message; their own bases are other services'.
    if (
      file.includes(`${path.sep}notify${path.sep}channels${path.sep}`) ||
      file.includes(`${path.sep}test${path.sep}`)
    )
      continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/`\$\{[^`]*?(?:publicUrl|\bbase)\b[^`]*?`/g)) {
      const literal = withPlaceholders(m[0].slice(1, -1));
      const at = literal.indexOf("/");
      if (!literal.startsWith("x/") || at < 0) continue;
      found.push({ file: path.relative(SRC, file), path: literal.slice(at) });
    }
  }
  return found;
}

const pageLoad = (url: string) =>
  isSpaRequest({ method: "GET", url, headers: { accept: "text/html" } } as FastifyRequest);

describe("deep links", () => {
  it("every link the sources build is a listed kind", () => {
    const paths = emittedPaths();
    expect(paths.length).toBeGreaterThanOrEqual(10);
    const unlisted = paths.filter((p) => !p.path.startsWith("/x") && !deepLinkOf(p.path));
    expect(unlisted).toEqual([]);
    // Links whose page is a parameter are mail links: each page they can name is listed.
    for (const page of LINK_PAGES) expect(deepLinkOf(`/${page}`)?.handledBy).toBe("spa");
  });

  it("the builders' links match their kinds", () => {
    const facts = {
      id: "mon_1",
      name: "n",
      type: "http",
      target: "t",
      runbook_url: null,
      org_id: "o",
      org_name: "O",
    };
    const rt = { auth: { publicUrl: BASE } } as Runtime;
    const ack = acknowledgeUrlFor(
      BASE,
      Buffer.alloc(32, 1),
      { incidentId: "inc_1", organizationId: "o", notificationId: "ntf_1", channelId: "chn_1" },
      Date.UTC(2030, 0, 1),
    );
    const kinds = [
      monitorPart(facts, BASE).monitorUrl,
      incidentLink(BASE, "inc_1"),
      ack,
      tokenLink(rt, "invite", "t"),
      tokenLink(rt, "reset-password", "t"),
      pageLink(rt, "reset-password"),
      tokenLink(rt, "confirm-email", "t"),
    ].map((url) => deepLinkOf(url.slice(BASE.length))?.kind);
    expect(kinds).toEqual([
      "monitor",
      "incident",
      "acknowledge",
      "invitation",
      "password-reset",
      "password-reset",
      "email-confirmation",
    ]);
  });

  it("the dashboard gets every page load of its links, and never the server's", () => {
    for (const link of DEEP_LINKS) {
      expect(deepLinkOf(link.example)?.kind, link.example).toBe(link.kind);
      expect(pageLoad(link.example), link.example).toBe(link.handledBy === "spa");
    }
  });
});
