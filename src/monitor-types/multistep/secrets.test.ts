import { describe, expect, it } from "vitest";
import { REDACTED } from "../define.ts";
import { bodyHasSecret, multistepSecrets } from "./secrets.ts";

describe("multistep body secrets", () => {
  it.each([
    ['{"user":"a","password":"hunter2"}', true],
    ['{"auth":{"client_secret":"s3"}}', true],
    ['{"apiKey":"k-1"}', true],
    ['[{"token":"t"}]', true],
    ["user=a&password=hunter2", true],
    ["grant_type=client_credentials&client_secret=abc", true],
    ['{"user":"a","page":2}', false],
    ['{"token":"{{token}}"}', false],
    ['{"password":""}', false],
    ["q=1&page=2", false],
    ["just text", false],
    ["{not json, password=x", true],
  ])("%s → %s", (body, expected) => {
    expect(bodyHasSecret(body)).toBe(expected);
  });

  const settings = (body: unknown) => ({
    multistep: { steps: [{ name: "s", url: "/", headers: { Accept: "x" }, body }], verifyTls: true },
  });
  const bodyOf = (s: Record<string, unknown>) =>
    (s.multistep as { steps: Array<{ body?: unknown }> }).steps[0]?.body;

  it("maps a secret body as a whole, leaves others alone", () => {
    const seal = (v: unknown) => ({ sealed: v });
    expect(bodyOf(multistepSecrets.map!(settings('{"password":"p"}'), seal))).toEqual({
      sealed: '{"password":"p"}',
    });
    expect(bodyOf(multistepSecrets.map!(settings("a=1"), seal))).toBe("a=1");
    // Stored sealed: an object, opened by the same map.
    expect(bodyOf(multistepSecrets.map!(settings({ $sealed: "v1" }), () => "opened"))).toBe("opened");
  });

  it("presents a secret body as [redacted] and keeps it when sent back so", () => {
    expect(bodyOf(multistepSecrets.present(settings({ $sealed: "v1" })))).toBe(REDACTED);
    expect(bodyOf(multistepSecrets.present(settings("a=1")))).toBe("a=1");
    const merged = settings(REDACTED);
    multistepSecrets.keep(settings('{"password":"p"}'), merged);
    expect(bodyOf(merged)).toBe('{"password":"p"}');
    const retyped = settings('{"password":"new"}');
    multistepSecrets.keep(settings('{"password":"p"}'), retyped);
    expect(bodyOf(retyped)).toBe('{"password":"new"}');
  });
});
