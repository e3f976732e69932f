import { describe, expect, it } from "vitest";
import { BLOCKED_MESSAGE } from "./probe-error.ts";
import { isAddressAllowed, type LookupFn, resolveSafe } from "./target-safety.ts";

const BLOCKED_BY_DEFAULT = [
  "127.0.0.1",
  "127.1.2.3",
  "10.0.0.1",
  "10.255.255.255",
  "172.16.0.1",
  "172.31.255.254",
  "192.168.1.1",
  "100.64.0.1",
  "100.127.255.254",
  "169.254.1.1",
  "198.18.0.1",
  "240.0.0.1",
  "::1",
  "[::1]",
  "fe80::1",
  "fe80::1%eth0",
  "fc00::1",
  "fd12:3456::1",
  "::ffff:127.0.0.1",
  "::ffff:7f00:1",
  "::ffff:10.0.0.1",
  "::127.0.0.1",
  "64:ff9b::7f00:1",
  "64:ff9b::a00:1",
  "2002:7f00:1::",
  "2002:c0a8:101::1",
  "2001:db8::1",
];

/** Never allowed, whatever the operator says. */
const ALWAYS_BLOCKED = [
  "169.254.169.254",
  "169.254.170.2",
  "100.100.100.200",
  "fd00:ec2::254",
  "[fd00:ec2::254]",
  "fd00:ec2::254%eth0",
  "fd00:ec2:0:0:0:0:0:254",
  "::ffff:169.254.169.254",
  "::ffff:a9fe:a9fe",
  "64:ff9b::a9fe:a9fe",
  "2002:a9fe:a9fe::",
  "0.0.0.0",
  "::",
  "224.0.0.1",
  "ff02::1",
  "255.255.255.255",
];

const PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700::1111", "::ffff:93.184.216.34", "64:ff9b::808:808"];

describe("isAddressAllowed", () => {
  it.each(BLOCKED_BY_DEFAULT)("blocks %s by default and allows it with opt-in", (ip) => {
    expect(isAddressAllowed(ip, false)).toBe(false);
    expect(isAddressAllowed(ip, true)).toBe(true);
  });

  it.each(ALWAYS_BLOCKED)("blocks %s even with private targets allowed", (ip) => {
    expect(isAddressAllowed(ip, false)).toBe(false);
    expect(isAddressAllowed(ip, true)).toBe(false);
  });

  it.each(PUBLIC)("allows public %s", (ip) => {
    expect(isAddressAllowed(ip, false)).toBe(true);
  });

  it.each(["localhost", "127.1", "0x7f000001", "2130706433", "", "1.2.3.4.5", "[1.2.3.4]"])(
    "refuses %j, which is not a strict IP literal",
    (text) => {
      expect(isAddressAllowed(text, true)).toBe(false);
    },
  );
});

function fixedLookup(answers: Array<{ address: string; family: number }>): LookupFn & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (hostname: string) => {
    calls.push(hostname);
    return answers;
  };
  return Object.assign(fn, { calls });
}

describe("resolveSafe", () => {
  it("refuses a hostname that resolves to loopback, with the uniform message", async () => {
    const lookup = fixedLookup([{ address: "127.0.0.1", family: 4 }]);
    await expect(resolveSafe("innocent.example", false, lookup)).rejects.toMatchObject({
      kind: "blocked",
      message: BLOCKED_MESSAGE,
    });
    expect(lookup.calls).toEqual(["innocent.example"]);
  });

  it("refuses a dual-stack answer when any address is private", async () => {
    const lookup = fixedLookup([
      { address: "93.184.216.34", family: 4 },
      { address: "fd00::5", family: 6 },
    ]);
    await expect(resolveSafe("dual.example", false, lookup)).rejects.toMatchObject({ kind: "blocked" });
  });

  it("returns the first answer and the lookup time when every answer is public", async () => {
    const lookup = fixedLookup([
      { address: "2606:4700::1111", family: 6 },
      { address: "1.1.1.1", family: 4 },
    ]);
    const resolved = await resolveSafe("Public.Example.", false, lookup);
    expect(resolved).toMatchObject({ address: "2606:4700::1111", family: 6 });
    expect(resolved.dnsMs).toBeGreaterThanOrEqual(0);
    expect(lookup.calls).toEqual(["public.example"]);
  });

  it("uses IP literals as they are, brackets included, without a lookup", async () => {
    const lookup = fixedLookup([]);
    await expect(resolveSafe("[2606:4700::1111]", false, lookup)).resolves.toMatchObject({
      address: "2606:4700::1111",
      family: 6,
      dnsMs: 0,
    });
    await expect(resolveSafe("[::1]", false, lookup)).rejects.toMatchObject({ kind: "blocked" });
    expect(lookup.calls).toEqual([]);
  });

  it("refuses localhost through the real resolver without opt-in, and allows it with", async () => {
    await expect(resolveSafe("localhost", false)).rejects.toMatchObject({ kind: "blocked" });
    const resolved = await resolveSafe("localhost", true);
    expect(isAddressAllowed(resolved.address, false)).toBe(false);
  });

  it.each(["metadata.google.internal", "METADATA.GOOGLE.INTERNAL.", "metadata.goog", "metadata"])(
    "refuses the metadata hostname %s by name, even with opt-in",
    async (name) => {
      const lookup = fixedLookup([{ address: "93.184.216.34", family: 4 }]);
      await expect(resolveSafe(name, true, lookup)).rejects.toMatchObject({
        kind: "blocked",
        message: BLOCKED_MESSAGE,
      });
      expect(lookup.calls).toEqual([]);
    },
  );

  it("refuses metadata addresses returned by DNS even with opt-in", async () => {
    const lookup = fixedLookup([{ address: "169.254.169.254", family: 4 }]);
    await expect(resolveSafe("rebind.example", true, lookup)).rejects.toMatchObject({ kind: "blocked" });
  });

  it("reports an empty answer as a dns failure", async () => {
    await expect(resolveSafe("empty.example", true, fixedLookup([]))).rejects.toMatchObject({ kind: "dns" });
  });

  it.each(["bad host", "a\r\nb", "x/y", ""])("refuses malformed host %j before any lookup", async (host) => {
    const lookup = fixedLookup([{ address: "1.1.1.1", family: 4 }]);
    await expect(resolveSafe(host, true, lookup)).rejects.toMatchObject({ kind: "protocol" });
    expect(lookup.calls).toEqual([]);
  });
});
