import { describe, expect, it } from "vitest";
import { emailDomain, groupsFromClaim, roleFromGroups } from "./sso.ts";

const MAPPING = [
  { group: "ops", role: "editor" as const },
  { group: "platform-admins", role: "admin" as const },
  { group: "everyone", role: "viewer" as const },
];

describe("roleFromGroups", () => {
  it("gives the strongest role of the person's groups, whatever their order", () => {
    expect(roleFromGroups(MAPPING, ["everyone", "platform-admins", "ops"], null)).toBe("admin");
    expect(roleFromGroups(MAPPING, ["ops", "everyone"], null)).toBe("editor");
  });

  it("falls back to the default role, or to none", () => {
    expect(roleFromGroups(MAPPING, ["sales"], "viewer")).toBe("viewer");
    expect(roleFromGroups(MAPPING, ["sales"], null)).toBeNull();
    expect(roleFromGroups([], [], null)).toBeNull();
  });

  it("matches group names exactly (case matters, as at the provider)", () => {
    expect(roleFromGroups(MAPPING, ["Ops"], null)).toBeNull();
  });
});

describe("groupsFromClaim", () => {
  it("reads arrays, strings and nothing else", () => {
    expect(groupsFromClaim(["a", 1, "b"])).toEqual(["a", "b"]);
    expect(groupsFromClaim("a b")).toEqual(["a", "b"]);
    expect(groupsFromClaim({ a: 1 })).toEqual([]);
    expect(groupsFromClaim(undefined)).toEqual([]);
  });
});

describe("emailDomain", () => {
  it("is the lower-cased part after the last @", () => {
    expect(emailDomain("Ada@Example.COM")).toBe("example.com");
    expect(emailDomain('"a@b"@corp.example')).toBe("corp.example");
    expect(emailDomain("nobody")).toBe("");
  });
});
