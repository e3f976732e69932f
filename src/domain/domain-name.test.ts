import { describe, expect, it } from "vitest";
import { domainProblem, hostOf, normalizeDomain } from "./domain-name.ts";

describe("custom domain names", () => {
  it("normalises case, blanks and one trailing dot", () => {
    expect(normalizeDomain("  Status.ACME.com. ")).toBe("status.acme.com");
  });

  it.each([
    "status.acme.com",
    "a.io",
    "xn--bcher-kva.example.com",
    "s-1.acme-corp.co.uk",
    `${"a".repeat(63)}.com`,
  ])("accepts %s", (domain) => expect(domainProblem(domain)).toBeUndefined());

  it.each([
    ["empty", ""],
    ["one label", "intranet"],
    ["an IPv4 address", "10.0.0.1"],
    ["an IPv6 address", "::1"],
    ["an underscore", "_acme.com"],
    ["a leading hyphen", "-status.acme.com"],
    ["a label of 64", `${"a".repeat(64)}.com`],
    ["an empty label", "status..acme.com"],
    ["a port", "acme.com:8080"],
    ["a local name", "printer.local"],
    ["localhost", "app.localhost"],
    ["too long", `${"a.".repeat(127)}com`],
    ["a space", "status acme.com"],
  ])("refuses %s", (_what, domain) => expect(domainProblem(domain)).toBeTypeOf("string"));

  it("reads the host of a Host header without its port", () => {
    expect(hostOf("Status.Acme.com:8443")).toBe("status.acme.com");
    expect(hostOf("status.acme.com")).toBe("status.acme.com");
    expect(hostOf("[::1]:3000")).toBe("[::1]:3000");
    expect(hostOf(undefined)).toBeUndefined();
  });
});
