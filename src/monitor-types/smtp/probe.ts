/**
 * `smtp`: read the banner, say EHLO and, optionally, upgrade with STARTTLS (or speak TLS from the
 * first byte) and report the certificate; QUIT. No mail is sent, no login is made.
 * Target `host[:port]` (25; 465 with `tls`). Facts: `smtp.banner`, `smtp.code`,
 * `smtp.extensions`, `smtp.tls`.
 */
import type { TLSSocket } from "node:tls";
import { readCertificate } from "../../probe/cert-info.ts";
import { ProbeFailure } from "../../probe/probe-error.ts";
import { openTcpSocket, openTlsSocket } from "../../probe/socket-connect.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { type ClientCheckSpec, type ClientObservation, runClientCheck } from "../client-check.ts";
import { shortText } from "../client-redact.ts";
import { LineSocket } from "../line-socket.ts";

export const SMTP_DEFAULT_PORT = 25;
export const SMTPS_DEFAULT_PORT = 465;
/** A reply of more lines than this is a protocol error (EHLO answers with a dozen or so). */
const MAX_REPLY_LINES = 100;

export interface SmtpSettings {
  /** The name the check gives in EHLO. */
  ehloName: string;
  /** Upgrade with STARTTLS after EHLO; the check fails when the server does not offer it. */
  startTls: boolean;
  /** TLS from the first byte (SMTPS, port 465). */
  tls: boolean;
  /** With TLS, refuse an untrusted certificate (after reporting it). */
  verifyTls: boolean;
}

export type SmtpCheckSpec = ClientCheckSpec & { smtp: SmtpSettings };

interface Reply {
  code: number;
  lines: string[];
}

export function probeSmtp(spec: SmtpCheckSpec, options: ProbeOptions): Promise<ClientObservation> {
  const settings = spec.smtp;
  const defaultPort = settings.tls ? SMTPS_DEFAULT_PORT : SMTP_DEFAULT_PORT;
  let cert: ClientObservation["cert"];
  const run = runClientCheck(spec, options, defaultPort, [], async (ctx) => {
    const { target, deadline, phases, facts } = ctx;
    const judgeCert = (socket: TLSSocket) => {
      cert = readCertificate(socket, target.hostname);
      if (settings.verifyTls && cert && !(cert.chainValid && cert.hostnameMatch))
        throw new ProbeFailure("tls", "certificate not trusted");
    };
    let lines: LineSocket;
    if (settings.tls) {
      const opened = await openTlsSocket(target.address, target.port, target.hostname, deadline.signal);
      ctx.onCleanup(() => opened.socket.destroy());
      phases.connect = opened.connectMs;
      phases.tls = opened.tlsMs;
      lines = new LineSocket(opened.socket);
      judgeCert(opened.socket);
    } else {
      const opened = await openTcpSocket(target.address, target.port, deadline.signal);
      ctx.onCleanup(() => opened.socket.destroy());
      phases.connect = opened.connectMs;
      lines = new LineSocket(opened.socket);
    }
    const connectedAt = deadline.elapsed();
    const banner = expect(await readReply(lines), 220, "banner");
    phases.firstByte = deadline.elapsed() - connectedAt;
    facts["smtp.code"] = banner.code;
    facts["smtp.banner"] = shortText(banner.lines.join(" "), 200);
    lines.write(`EHLO ${settings.ehloName}\r\n`);
    let ehlo = expect(await readReply(lines), 250, "EHLO");
    if (settings.startTls) {
      if (!extensions(ehlo).includes("STARTTLS"))
        throw new ProbeFailure("protocol", "server does not offer STARTTLS");
      lines.write("STARTTLS\r\n");
      expect(await readReply(lines), 220, "STARTTLS");
      const tlsStarted = deadline.elapsed();
      const upgraded = await lines.startTls(target.hostname, deadline.signal);
      ctx.onCleanup(() => upgraded.tls.destroy());
      phases.tls = deadline.elapsed() - tlsStarted;
      lines = upgraded.lines;
      judgeCert(upgraded.tls);
      lines.write(`EHLO ${settings.ehloName}\r\n`);
      ehlo = expect(await readReply(lines), 250, "EHLO after STARTTLS");
    }
    facts["smtp.tls"] = settings.tls || settings.startTls;
    facts["smtp.extensions"] = shortText(extensions(ehlo).join(" "), 500);
    // The server's 221 to QUIT is a courtesy; the check is complete without it.
    lines.socket.end("QUIT\r\n");
  });
  return run.then((observation) => (cert ? { ...observation, cert } : observation));
}

/** The reply when its code is `want`; otherwise the server's words as a protocol error. */
function expect(reply: Reply, want: number, step: string): Reply {
  if (reply.code === want) return reply;
  throw new ProbeFailure(
    "protocol",
    shortText(`${step}: server: ${reply.code} ${reply.lines.join(" ")}`, 200),
  );
}

/** EHLO keywords, upper-cased, without the greeting line (`["PIPELINING", "SIZE", "STARTTLS"]`). */
function extensions(ehlo: Reply): string[] {
  return ehlo.lines.slice(1).map((l) => (l.split(" ")[0] ?? "").toUpperCase());
}

/** One reply: `250-first` … `250 last`; its text without the codes. */
async function readReply(lines: LineSocket): Promise<Reply> {
  const text: string[] = [];
  for (let i = 0; i < MAX_REPLY_LINES; i++) {
    const line = await lines.readLine();
    const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
    if (!m) throw new ProbeFailure("protocol", "not an SMTP server");
    text.push(m[3] ?? "");
    if (m[2] !== "-") return { code: Number(m[1]), lines: text };
  }
  throw new ProbeFailure("protocol", "SMTP reply too long");
}
