import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCert } from "../../probe/fixtures.test-support.ts";
import { scaledTimeout } from "../../test/patience.ts";
import { PRIVATE_OK } from "../client-servers.test-support.ts";
import { describeTargetSafety } from "../client-target-cases.test-support.ts";
import { probeSmtp, type SmtpCheckSpec, type SmtpSettings } from "./probe.ts";

const BANNER = "mx.upblit.test ESMTP ESMTP test";

function spec(settings: Partial<SmtpSettings>, target: string, timeoutMs?: number): SmtpCheckSpec {
  return {
    target,
    timeoutMs: timeoutMs ?? scaledTimeout(10_000),
    smtp: { ehloName: "probe.upblit.test", startTls: false, tls: false, verifyTls: true, ...settings },
  };
}

/** A real SMTP server on loopback (nodemailer's smtp-server); it never accepts mail. */
async function startSmtp(options: ConstructorParameters<typeof SMTPServer>[0]): Promise<{
  server: SMTPServer;
  target: string;
}> {
  const server = new SMTPServer({
    banner: "ESMTP test", // smtp-server prefixes "<name> ESMTP"
    name: "mx.upblit.test",
    authOptional: true,
    disabledCommands: ["AUTH"],
    ...options,
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { server, target: `127.0.0.1:${port}` };
}

let plain: Awaited<ReturnType<typeof startSmtp>>;
let starttls: Awaited<ReturnType<typeof startSmtp>>;
let implicit: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  const { key, cert } = await createCert("mx.upblit.test", -1, 30);
  plain = await startSmtp({ hideSTARTTLS: true });
  starttls = await startSmtp({ key, cert });
  implicit = await startSmtp({ key, cert, secure: true });
});
afterAll(async () => {
  for (const s of [plain, starttls, implicit]) await new Promise<void>((r) => s?.server.close(() => r()));
});

describe("probeSmtp against real SMTP servers", () => {
  it("reads the banner and the EHLO extensions", async () => {
    const obs = await probeSmtp(spec({}, plain.target), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["smtp.code"]).toBe(220);
    expect(obs.facts?.["smtp.banner"]).toContain(BANNER);
    expect(obs.facts?.["smtp.extensions"]).toContain("PIPELINING");
    expect(obs.facts?.["smtp.extensions"]).not.toContain("STARTTLS");
    expect(obs.facts?.["smtp.tls"]).toBe(false);
    expect(obs.cert).toBeUndefined();
    expect(obs.timings.firstByte).toBeGreaterThan(0);
  });

  it("upgrades with STARTTLS and reports the certificate's expiry", async () => {
    const obs = await probeSmtp(spec({ startTls: true, verifyTls: false }, starttls.target), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["smtp.tls"]).toBe(true);
    expect(obs.cert?.daysLeft).toBeGreaterThanOrEqual(29);
    expect(obs.cert?.daysLeft).toBeLessThanOrEqual(30);
    expect(obs.cert?.chainValid).toBe(false);
    expect(obs.timings.tls).toBeGreaterThan(0);
    // The second EHLO, on the encrypted connection, still lists the extensions.
    expect(obs.facts?.["smtp.extensions"]).toContain("PIPELINING");
  });

  it("fails an untrusted certificate with verifyTls, after reporting it", async () => {
    const obs = await probeSmtp(spec({ startTls: true }, starttls.target), PRIVATE_OK);
    expect(obs.error).toEqual({ kind: "tls", message: "certificate not trusted" });
    expect(obs.cert?.daysLeft).toBeGreaterThan(0);
  });

  it("fails when STARTTLS is asked for and the server does not offer it", async () => {
    const obs = await probeSmtp(spec({ startTls: true, verifyTls: false }, plain.target), PRIVATE_OK);
    expect(obs.error).toEqual({ kind: "protocol", message: "server does not offer STARTTLS" });
  });

  it("speaks TLS from the first byte (SMTPS)", async () => {
    const obs = await probeSmtp(spec({ tls: true, verifyTls: false }, implicit.target), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["smtp.banner"]).toContain(BANNER);
    expect(obs.cert?.daysLeft).toBeGreaterThan(0);
  });

  it("is a protocol error on a server that is not SMTP", async () => {
    const obs = await probeSmtp(spec({}, "127.0.0.1:4222"), PRIVATE_OK);
    expect(obs.error).toEqual({ kind: "protocol", message: "not an SMTP server" });
  });
});

describeTargetSafety("smtp", 25, (target, options, timeoutMs) =>
  probeSmtp(spec({}, target, timeoutMs), options),
);
