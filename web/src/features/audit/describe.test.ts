import { describe, expect, it } from "vitest";
import { type AuditEntry, describeEntry } from "./describe.ts";

function entry(over: Partial<AuditEntry>): AuditEntry {
  return {
    id: "aud_1",
    at: "2026-12-07T05:00:00Z",
    actor: { type: "user", id: "usr_1", label: "ada@example.com" },
    action: "monitor.update",
    target: null,
    ip: "127.0.0.1",
    userAgent: null,
    summary: {},
    ...over,
  };
}

describe("describeEntry", () => {
  it("words account actions with the summary's fields", () => {
    expect(
      describeEntry(
        entry({
          action: "invitation.create",
          target: { type: "invitation", id: "inv_1" },
          summary: { email: "bob@example.com", role: "editor" },
        }),
      ),
    ).toBe("ada@example.com invited bob@example.com as editor");
    expect(
      describeEntry(
        entry({
          action: "member.role_change",
          target: { type: "user", id: "usr_2" },
          summary: { email: "bob@example.com", from: "viewer", to: "admin", sessionsEnded: 1 },
        }),
      ),
    ).toBe("ada@example.com changed the role of bob@example.com from viewer to admin");
  });

  it("joins lists and names an API key actor by its prefix", () => {
    const text = describeEntry(
      entry({
        actor: { type: "api_key", id: "key_1", label: "upb_4fT9kQ2m" },
        action: "api_key.create",
        target: { type: "api_key", id: "key_2" },
        summary: { name: "CI", prefix: "upb_abc", scopes: ["monitors:read", "monitors:write"] },
      }),
    );
    expect(text).toBe(
      "API key upb_4fT9kQ2m created the API key “CI” (upb_abc) with monitors:read, monitors:write",
    );
  });

  it("falls back to created / changed / deleted <object>, then to the action's name", () => {
    expect(
      describeEntry(
        entry({ action: "channel.update", target: { type: "channel", id: "chn_1" }, summary: {} }),
      ),
    ).toBe("ada@example.com changed channel chn_1");
    expect(
      describeEntry(
        entry({
          action: "status_page.delete",
          target: { type: "status_page", id: "sp_1" },
          summary: { name: "Public" },
        }),
      ),
    ).toBe("ada@example.com deleted status page “Public”");
    expect(
      describeEntry(entry({ action: "cache.flush", actor: { type: "system", id: null, label: null } })),
    ).toBe("Upblit did cache.flush");
  });

  it("never shows a placeholder when the summary lacks a field", () => {
    const text = describeEntry(entry({ action: "member.remove", summary: {} }));
    expect(text).not.toMatch(/[{}]/);
    expect(text).toBe("ada@example.com removed — (—) from the organization");
  });
});
