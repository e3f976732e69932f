import { describe, expect, it } from "vitest";
import { REDACTED } from "../define.ts";
import { nats } from "./index.ts";

describe("nats secrets", () => {
  const secrets = nats.secrets!;

  it("shows the password and the token as [redacted], and the rest as stored", () => {
    const shown = secrets.present({ nats: { username: "u", password: "pw-1", token: "tk-1", tls: false } });
    expect(shown.nats).toEqual({ username: "u", password: REDACTED, token: REDACTED, tls: false });
    expect(secrets.present({ nats: { tls: false } }).nats).toEqual({ tls: false });
  });

  it("keeps each stored secret sent back redacted, takes new ones, drops a placeholder with nothing stored", () => {
    const current = { nats: { password: "pw-1", token: "tk-1" } };
    const kept: Record<string, unknown> = { nats: { password: REDACTED, token: REDACTED, username: "v" } };
    secrets.keep(current, kept);
    expect(kept.nats).toEqual({ password: "pw-1", token: "tk-1", username: "v" });
    const changed: Record<string, unknown> = { nats: { password: "pw-2", token: REDACTED } };
    secrets.keep(current, changed);
    expect(changed.nats).toEqual({ password: "pw-2", token: "tk-1" });
    const nothingStored: Record<string, unknown> = { nats: { token: REDACTED } };
    secrets.keep({ nats: {} }, nothingStored);
    expect(nothingStored.nats).toEqual({});
  });
});
