import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLOCKED_MESSAGE } from "../../probe/probe-error.ts";
import { scaledTimeout } from "../../test/patience.ts";
import {
  PRIVATE_OK,
  PUBLIC_ONLY,
  type SilentServer,
  startSilentServer,
} from "../client-servers.test-support.ts";
import { judgeObservation } from "../run.ts";
import { rdapBaseFor } from "./bootstrap.ts";
import { type DomainCheckSpec, type DomainSettings, probeDomain } from "./probe.ts";
import { type RdapServer, startRdapServer } from "./rdap-server.test-support.ts";

let rdap: RdapServer;
let silent: SilentServer;
beforeAll(async () => {
  rdap = await startRdapServer({
    "example.com": 200,
    "soon.example": 10,
    "gone.example": -3,
    "noexpiry.example": null,
  });
  silent = await startSilentServer();
});
afterAll(async () => {
  await rdap.close();
  await silent.close();
});

function spec(target: string, settings: Partial<DomainSettings> = {}, timeoutMs?: number): DomainCheckSpec {
  return {
    type: "domain",
    monitorId: "mon_d",
    organizationId: "org_d",
    assertions: [],
    target,
    timeoutMs: timeoutMs ?? scaledTimeout(10_000),
    domain: { rdapServer: rdap.base, warnDays: 30, ...settings },
  };
}

describe("probeDomain against a local RDAP server", () => {
  it("reads the expiry, the registrar and the statuses; up far from expiry", async () => {
    const s = spec("Example.COM.");
    const obs = await probeDomain(s, PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(rdap.paths.at(-1)).toBe("/domain/example.com");
    expect(obs.statusCode).toBe(200);
    expect(obs.facts).toMatchObject({
      "domain.daysLeft": 200,
      "domain.registrar": "Example Registrar, Inc.",
      "domain.status": "client transfer prohibited, active",
    });
    expect(obs.facts?.["domain.expiresAt"]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(judgeObservation(s, obs).status).toBe("up");
  });

  it("is degraded within warnDays of expiry, and down once expired", async () => {
    const soon = spec("soon.example");
    const soonObs = await probeDomain(soon, PRIVATE_OK);
    expect(soonObs.facts?.["domain.daysLeft"]).toBe(10);
    expect(judgeObservation(soon, soonObs).status).toBe("degraded");
    const gone = spec("gone.example");
    const goneObs = await probeDomain(gone, PRIVATE_OK);
    expect(goneObs.facts?.["domain.daysLeft"]).toBe(-3);
    expect(judgeObservation(gone, goneObs).status).toBe("down");
  });

  it("is down when the registry publishes no expiry", async () => {
    const s = spec("noexpiry.example");
    const obs = await probeDomain(s, PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["domain.daysLeft"]).toBeUndefined();
    expect(judgeObservation(s, obs).status).toBe("down");
  });

  it("reports an unknown domain as the registry's 404", async () => {
    const obs = await probeDomain(spec("unknown.example"), PRIVATE_OK);
    expect(obs.error).toEqual({ kind: "protocol", message: "domain not found in RDAP (404)" });
    expect(obs.statusCode).toBe(404);
  });

  it("refuses an RDAP server on a private address without the opt-in, before connecting", async () => {
    const before = rdap.paths.length;
    const obs = await probeDomain(spec("example.com"), PUBLIC_ONLY);
    expect(obs.error).toEqual({ kind: "blocked", message: BLOCKED_MESSAGE });
    expect(rdap.paths.length).toBe(before);
  });

  it("refuses cloud metadata as an RDAP server even with the opt-in", async () => {
    const obs = await probeDomain(spec("example.com", { rdapServer: "http://169.254.169.254/" }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("blocked");
  });

  it("times out on an RDAP server that never answers", async () => {
    const s = spec("example.com", { rdapServer: `http://127.0.0.1:${silent.port}/` }, 400);
    const obs = await probeDomain(s, PRIVATE_OK);
    expect(obs.error?.kind).toBe("timeout");
  });

  it("finds the server for a TLD in the shipped bootstrap, and says when it has none", async () => {
    expect(rdapBaseFor("example.com")).toBe("https://rdap.verisign.com/com/v1/");
    expect(rdapBaseFor("example.org")).toBe("https://rdap.publicinterestregistry.org/rdap/");
    expect(rdapBaseFor("example.zz")).toBeUndefined();
    const obs = await probeDomain(spec("example.zz", { rdapServer: undefined }), PRIVATE_OK);
    expect(obs.error).toEqual({
      kind: "protocol",
      message: "no RDAP server known for .zz; set domain.rdapServer",
    });
  });
});
