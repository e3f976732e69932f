import { generateKeyPairSync } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { dkimVerify } from "mailauth";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { PATIENCE_MS } from "../../test/patience.ts";
import { type SmtpFixture, startSmtp } from "../../test/smtp.ts";
import type { EmailConfig, EmailSecrets } from "./email.ts";
import { emailChannel } from "./email.ts";
import type { SendContext } from "./types.ts";

const FROM = "Upblit <alerts@example.org>";

let smtp: SmtpFixture;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp.close();
});

/** A send context whose `sendMail` is a real nodemailer transport to `smtpUrl`, as the notifier builds it. */
function ctxFor(
  config: EmailConfig,
  secrets: EmailSecrets = {},
  smtpUrl = smtp.url,
  timeoutMs = PATIENCE_MS,
): SendContext<EmailConfig, EmailSecrets> {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    ...testContext<EmailConfig, EmailSecrets>(config, secrets, timeoutMs),
    sendMail: async (mail) => {
      await transport.sendMail({ from: FROM, ...mail });
    },
  };
}

let inbox = 0;
/** A fresh address per test, so the shared fixture's mails never mix. */
function address(): string {
  inbox += 1;
  return `oncall-${inbox}@example.com`;
}

describe("email channel: the mail", () => {
  it("sends one mail to every recipient with subject, text and HTML carrying every field", async () => {
    const [a, b] = [address(), address()];
    const message = sampleMessage();
    const outcome = await emailChannel.send(message, ctxFor({ to: [a, b], subjectPrefix: "[Acme prod]" }));
    expect(outcome).toEqual({ ok: true });
    const mail = await smtp.waitForMail(a);
    expect(mail.to).toEqual([a, b]);
    expect(smtp.mailsTo(b)).toEqual([mail]);
    expect(mail.subject).toBe("[Acme prod] 🔴 DOWN: Checkout API");
    expect(mail.headers["message-id"]).toBe(`<${message.notificationId}@upblit>`);
    expect(mail.headers["auto-submitted"]).toBe("auto-generated");
    expect(mail.headers["x-upblit-event"]).toBe("down");
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain("Checkout API is down since 2026-11-22 10:00:00 UTC (was up).");
      expect(part).toContain("Cause: status is 503, expected one of [200]");
      expect(part).toContain("Monitor: http https://shop.example.com/health");
      expect(part).toContain("Organization: Acme");
      expect(part).toContain(`Incident: ${message.incident?.id}, started ${message.incident?.startedAt}`);
      expect(part).toContain(`Notification: ${message.notificationId}`);
    }
    expect(mail.text).toContain(`Open monitor: ${message.monitorUrl}`);
    expect(mail.text).toContain(`Acknowledge: ${message.acknowledgeUrl}`);
    expect(mail.text).toContain(`Runbook: ${message.runbookUrl}`);
    expect(mail.html).toContain(`href="${message.monitorUrl}"`);
    expect(mail.html).toContain(`href="${message.runbookUrl}"`);
    expect(mail.html).toContain(`href="${message.acknowledgeUrl}"`);
    expect(mail.text).not.toContain("DRILL");
  });

  it("words a recovery with the incident's duration and leaves out the acknowledge link", async () => {
    const to = address();
    const message = sampleMessage({
      event: "up",
      state: "up",
      previousState: "down",
      since: "2026-11-22T10:12:05.000Z",
      cause: null,
      acknowledgeUrl: null,
      incident: {
        id: "inc_1",
        startedAt: "2026-11-22T10:00:00.000Z",
        resolvedAt: "2026-11-22T10:12:05.000Z",
        durationMs: 725_000,
      },
    });
    expect(await emailChannel.send(message, ctxFor({ to: [to] }))).toEqual({ ok: true });
    const mail = await smtp.waitForMail(to);
    expect(mail.subject).toBe("🟢 UP: Checkout API");
    expect(mail.headers["x-upblit-event"]).toBe("up");
    expect(mail.text).toContain("Checkout API is up again since 2026-11-22 10:12:05 UTC (was down).");
    expect(mail.text).toContain("It was down for 12 min 5 s.");
    expect(mail.text).toContain("Resolved: 2026-11-22T10:12:05.000Z");
    expect(mail.text).not.toContain("Acknowledge");
    expect(mail.html).not.toContain("Acknowledge");
  });

  it("marks a drill in the subject and the body, and a test-send as a test", async () => {
    const [drillTo, testTo] = [address(), address()];
    await emailChannel.send(sampleMessage({ drill: true }), ctxFor({ to: [drillTo] }));
    await emailChannel.send(sampleMessage({ event: "test", drill: true }), ctxFor({ to: [testTo] }));
    const drill = await smtp.waitForMail(drillTo);
    expect(drill.subject).toBe("[DRILL] 🔴 DOWN: Checkout API");
    expect(drill.text).toContain("This is a DRILL: a simulated alert, nothing is actually down.");
    expect(drill.html).toContain("This is a DRILL");
    const test = await smtp.waitForMail(testTo);
    expect(test.subject).toBe("🧪 TEST: Checkout API");
    expect(test.headers["x-upblit-event"]).toBe("test");
    expect(test.text).toContain("This is a test-send from Upblit: nothing is wrong.");
  });

  it("keeps hostile names out of the headers and escapes them in the HTML", async () => {
    const to = address();
    const name = "<b>@everyone *x* <!channel>\r\nBcc: victim@attacker.test\r\n\r\n<script>x</script>";
    const message = sampleMessage({
      monitor: { ...sampleMessage().monitor, name },
      organization: { id: "org_1", name: `"Acme" & <Co>` },
      runbookUrl: "javascript:alert(1)",
    });
    const ctx = ctxFor({ to: [to], subjectPrefix: "[ops]" });
    expect(await emailChannel.send(message, ctx)).toEqual({ ok: true });
    const mail = await smtp.waitForMail(to);
    expect(mail.to).toEqual([to]);
    expect(smtp.mailsTo("victim@attacker.test")).toEqual([]);
    expect(mail.headers.bcc).toBeUndefined();
    expect(mail.subject).toBe(
      "[ops] 🔴 DOWN: <b>@everyone *x* <!channel> Bcc: victim@attacker.test <script>x</script>",
    );
    expect(mail.html).not.toContain("<b>@everyone");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;b&gt;@everyone *x* &lt;!channel&gt;");
    expect(mail.html).toContain("Organization: &quot;Acme&quot; &amp; &lt;Co&gt;");
    expect(mail.html).not.toContain('href="javascript:');
    expect(mail.html).toContain("Runbook: javascript:alert(1)");
  });

  it("sends the same Message-ID on every attempt of one notification", async () => {
    const to = address();
    const message = sampleMessage({ notificationId: "ntf_01jretry000000000000000000" });
    await emailChannel.send(message, ctxFor({ to: [to] }));
    await emailChannel.send(message, ctxFor({ to: [to] }));
    const first = await smtp.waitForMail(to);
    const second = await smtp.waitForMail(to);
    expect(first.headers["message-id"]).toBe("<ntf_01jretry000000000000000000@upblit>");
    expect(second.headers["message-id"]).toBe(first.headers["message-id"]);
    expect(second.text).toBe(first.text);
  });
});

describe("email channel: DKIM", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const publicB64 = publicKey.export({ type: "spki", format: "der" }).toString("base64");
  const dkim = { domainName: "example.org", keySelector: "upblit2026" };
  /** DNS as mailauth asks it, answering only our selector's TXT record. */
  const resolver = async (name: string, rrtype: string) => {
    if (name === "upblit2026._domainkey.example.org" && rrtype === "TXT")
      return [[`v=DKIM1; k=rsa; p=${publicB64}`]];
    throw Object.assign(new Error(`no ${rrtype} for ${name}`), { code: "ENOTFOUND" });
  };

  async function signedMail() {
    const to = address();
    const outcome = await emailChannel.send(
      sampleMessage({ monitor: { ...sampleMessage().monitor, name: "Checkout <API> ünïcode" } }),
      ctxFor({ to: [to], dkim }, { dkimPrivateKey: privatePem }),
    );
    expect(outcome).toEqual({ ok: true });
    return smtp.waitForMail(to);
  }

  it("signs with the channel's key so a DKIM verifier passes it", async () => {
    const mail = await signedMail();
    expect(mail.headers["dkim-signature"]).toContain("d=example.org");
    const result = await dkimVerify(Buffer.from(mail.raw), { resolver });
    expect(result.results).toHaveLength(1);
    expect(result.results[0]?.signingDomain).toBe("example.org");
    expect(result.results[0]?.selector).toBe("upblit2026");
    expect(result.results[0]?.status.result).toBe("pass");
  });

  it("fails verification when the body or a signed header was changed", async () => {
    const mail = await signedMail();
    expect(mail.raw).toContain("Organization: Acme");
    const body = await dkimVerify(Buffer.from(mail.raw.replace("Organization: Acme", "Organization: Evil")), {
      resolver,
    });
    // mailauth reports a body-hash mismatch as "neutral" with this comment (RFC 6376 §6.1.3: not a pass)
    expect(body.results[0]?.status).toMatchObject({ result: "neutral", comment: "body hash did not verify" });
    const header = await dkimVerify(Buffer.from(mail.raw.replace(/^Subject: .*$/m, "Subject: all is fine")), {
      resolver,
    });
    expect(header.results[0]?.status.result).toBe("fail");
  });

  it("refuses to send unsigned when DKIM is configured but the key is missing", async () => {
    const to = address();
    const outcome = await emailChannel.send(sampleMessage(), ctxFor({ to: [to], dkim }));
    expect(outcome).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/dkimPrivateKey/),
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.mailsTo(to)).toEqual([]);
  });
});

/** An SMTP server that answers RCPT TO or DATA with the given reply code. */
async function startFailingSmtp(
  failAt: "rcpt" | "data",
  responseCode: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const failure = () => Object.assign(new Error(`failing on purpose at ${failAt}`), { responseCode });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(failAt === "rcpt" ? failure() : undefined);
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on("end", () => callback(failAt === "data" ? failure() : null));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** A TCP server that accepts connections and never says a word (a hung relay). */
async function startSilentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe("email channel: failures", () => {
  for (const [failAt, code, retryable] of [
    ["rcpt", 451, true],
    ["data", 451, true],
    ["rcpt", 550, false],
    ["data", 554, false],
  ] as const) {
    it(`answers ${code} at ${failAt.toUpperCase()} → ${retryable ? "retry later" : "permanent failure"}`, async () => {
      const server = await startFailingSmtp(failAt, code);
      try {
        const outcome = await emailChannel.send(sampleMessage(), ctxFor({ to: [address()] }, {}, server.url));
        expect(outcome).toMatchObject({ ok: false, retryable, statusCode: code });
        if (!outcome.ok) expect(outcome.error).toContain(String(code));
      } finally {
        await server.close();
      }
    });
  }

  it("treats a recipient refused by the shared fixture (550) as permanent", async () => {
    const to = address();
    const undo = smtp.refuse(to);
    try {
      expect(await emailChannel.send(sampleMessage(), ctxFor({ to: [to] }))).toMatchObject({
        ok: false,
        retryable: false,
        statusCode: 550,
      });
    } finally {
      undo();
    }
  });

  it("retries when the mail server cannot be reached", async () => {
    const gone = await startSilentServer();
    await gone.close();
    const outcome = await emailChannel.send(sampleMessage(), ctxFor({ to: [address()] }, {}, gone.url));
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome).not.toHaveProperty("statusCode");
  });

  it("gives up on a relay that never answers after timeoutMs, retryable", async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const outcome = await emailChannel.send(
        sampleMessage(),
        ctxFor({ to: [address()] }, {}, silent.url, 300),
      );
      // The relay never answers: the send ended on its 300 ms deadline (a hang would run into the
      // test's timeout). How late it returned is the machine's load, not the channel's.
      expect(outcome).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/300 ms/) });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await silent.close();
    }
  });
});

describe("email channel: settings", () => {
  const config = (c: unknown) => emailChannel.config.safeParse(c).success;
  const secrets = (s: unknown) => emailChannel.secrets.safeParse(s).success;

  it("takes 1 to 20 valid addresses and a short one-line subject prefix", () => {
    expect(config({ to: ["a@example.com"] })).toBe(true);
    expect(
      config({ to: Array.from({ length: 20 }, (_, i) => `u${i}@example.com`), subjectPrefix: "[ops]" }),
    ).toBe(true);
    expect(config({ to: [] })).toBe(false);
    expect(config({ to: Array.from({ length: 21 }, (_, i) => `u${i}@example.com`) })).toBe(false);
    for (const bad of ["not-an-email", "a@b.com, c@d.com", "a@b.com\r\nBcc: x@y.z", "<a@b.com>"])
      expect(config({ to: [bad] }), bad).toBe(false);
    expect(config({ to: ["a@example.com"], subjectPrefix: "x".repeat(51) })).toBe(false);
    expect(config({ to: ["a@example.com"], subjectPrefix: "[ops]\r\nBcc: x@y.z" })).toBe(false);
    expect(config({ to: ["a@example.com"], cc: ["b@example.com"] })).toBe(false);
  });

  it("validates the DKIM domain, selector and private key", () => {
    const to = ["a@example.com"];
    expect(config({ to, dkim: { domainName: "mail.example.org", keySelector: "s1" } })).toBe(true);
    expect(config({ to, dkim: { domainName: "example.org\r\n", keySelector: "s1" } })).toBe(false);
    expect(config({ to, dkim: { domainName: "example.org", keySelector: "s 1" } })).toBe(false);
    expect(config({ to, dkim: { domainName: "example.org" } })).toBe(false);
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    expect(secrets({})).toBe(true);
    expect(secrets({ dkimPrivateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() })).toBe(
      true,
    );
    expect(secrets({ dkimPrivateKey: privateKey.export({ type: "pkcs1", format: "pem" }).toString() })).toBe(
      true,
    );
    expect(secrets({ dkimPrivateKey: publicKey.export({ type: "spki", format: "pem" }).toString() })).toBe(
      false,
    );
    expect(
      secrets({ dkimPrivateKey: "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----" }),
    ).toBe(false);
  });
});
