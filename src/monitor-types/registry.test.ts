import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ASSERTION_SUBJECTS } from "../domain/assertion.ts";
import { MONITOR_TYPE_LIST } from "./registry.ts";
import { blocksOf, monitorType, SETTINGS_BLOCKS } from "./types.ts";

const HERE = new URL("./", import.meta.url);

describe("the monitor type registry", () => {
  it("lists every type folder once, under the folder's name", () => {
    const folders = readdirSync(HERE, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const names = MONITOR_TYPE_LIST.map((t) => t.type);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(folders);
  });

  it("has a docs section (README.md with an example) in every type's folder", () => {
    for (const t of MONITOR_TYPE_LIST) {
      const readme = new URL(`./${t.type}/README.md`, HERE);
      expect(existsSync(readme), t.type).toBe(true);
      const text = readFileSync(readme, "utf8");
      expect(text, t.type).toContain(`"type": "${t.type}"`);
    }
  });

  it("offers only subjects a judge can read: built-in ones, or namespaced facts of the type's own", () => {
    for (const t of MONITOR_TYPE_LIST) {
      for (const subject of t.subjects) {
        const builtin = (ASSERTION_SUBJECTS as readonly string[]).includes(subject);
        expect(builtin || subject.startsWith(`${t.type}.`), `${t.type}: ${subject}`).toBe(true);
      }
    }
  });

  it("answers lookups by name only for registered types, never for prototype keys", () => {
    expect(monitorType("dns")?.type).toBe("dns");
    expect(monitorType("constructor")).toBeUndefined();
    expect(monitorType(["http"])).toBeUndefined();
    expect(blocksOf("keyword")).toEqual(["http", "keyword"]);
    expect(blocksOf("__proto__")).toEqual([]);
    expect(SETTINGS_BLOCKS).toEqual([
      "http",
      "keyword",
      "json",
      "dns",
      "heartbeat",
      "postgres",
      "mysql",
      "redis",
      "rabbitmq",
      "mqtt",
      "nats",
      "smtp",
      "udp",
      "websocket",
      "grpc",
      "domain",
      "icmp",
      "multistep",
      "browser",
    ]);
  });
});
