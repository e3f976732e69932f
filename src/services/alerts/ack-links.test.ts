import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newId } from "../../lib/ids.ts";
import { ACK_LINK_TTL_MS, acknowledgeUrlFor, signAckToken, verifyAckToken } from "./ack-links.ts";

const key = randomBytes(32);
const NOW = Date.UTC(2031, 0, 1);
const claims = {
  incidentId: newId("inc"),
  organizationId: newId("org"),
  notificationId: newId("ntf"),
  channelId: newId("chn"),
  expiresAt: NOW + ACK_LINK_TTL_MS,
};

describe("acknowledge links", () => {
  it("verifies a token it signed, with every claim intact, until it expires", () => {
    const token = signAckToken(key, claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyAckToken(key, token, NOW)).toEqual({ ok: true, claims });
    expect(verifyAckToken(key, token, claims.expiresAt - 1)).toEqual({ ok: true, claims });
    expect(verifyAckToken(key, token, claims.expiresAt)).toEqual({ ok: false, reason: "expired", claims });
  });

  it("builds the link under the public URL, valid for 7 days", () => {
    const { expiresAt: _e, ...rest } = claims;
    const url = acknowledgeUrlFor("https://upblit.example.com", key, rest, NOW);
    expect(url.startsWith("https://upblit.example.com/ack/")).toBe(true);
    const token = url.slice("https://upblit.example.com/ack/".length);
    expect(verifyAckToken(key, token, NOW)).toEqual({ ok: true, claims });
    expect(verifyAckToken(key, token, NOW + 7 * 86_400_000).ok).toBe(false);
  });

  it("refuses a token signed with another key", () => {
    const token = signAckToken(randomBytes(32), claims);
    expect(verifyAckToken(key, token, NOW)).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses every tampered form: changed claims, changed or re-spelled signature, junk", () => {
    const token = signAckToken(key, claims);
    const [payload, signature] = token.split(".") as [string, string];
    const otherIncident = Buffer.from(
      Buffer.from(payload, "base64url").toString("utf8").replace(claims.incidentId, newId("inc")),
    ).toString("base64url");
    const longer = Buffer.from(
      Buffer.from(payload, "base64url")
        .toString("utf8")
        .replace(/\.\d+$/, ".99999999999"),
    ).toString("base64url");
    const flipped = signature.slice(0, -2) + (signature.at(-2) === "A" ? "B" : "A") + signature.at(-1);
    const forms = [
      `${otherIncident}.${signature}`,
      `${longer}.${signature}`,
      `${payload}.${flipped}`,
      `${payload}.${signature}=`,
      `${payload}=.${signature}`,
      `${payload}.${signature}.extra`,
      `${payload}`,
      "",
      ".",
      "x".repeat(10_000),
    ];
    for (const form of forms)
      expect(verifyAckToken(key, form, NOW), form.slice(0, 80)).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a correctly signed payload that is not a claim set", () => {
    // Signed with the right key but malformed inside: only our own signer could make this, still refused.
    const bad = signAckToken(key, { ...claims, incidentId: "not an id" });
    expect(verifyAckToken(key, bad, NOW)).toEqual({ ok: false, reason: "invalid" });
  });
});
