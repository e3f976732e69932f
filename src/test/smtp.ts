/** A real SMTP server on 127.0.0.1 for tests that send mail; not a test file itself. */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { PATIENCE_MS, scaledDeadline } from "./patience.ts";

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  subject: string;
  /** Header names lower-cased, values unfolded and not decoded. */
  headers: Record<string, string>;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpFixture {
  /** Value for SMTP_URL. */
  url: string;
  /** Every mail received so far, oldest first. */
  messages: ReceivedMail[];
  /**
   * The next mail to `to` that no earlier call returned, waiting for it up to `timeoutMs`.
   * Successive calls return successive mails.
   */
  waitForMail(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  /** Mails to `to` received so far. */
  mailsTo(to: string): ReceivedMail[];
  /** Refuses mail to this address with a permanent 550 (a failing mail server) until undone. */
  refuse(address: string): () => void;
  close(): Promise<void>;
}

/** Starts the server on a random port: no TLS, no auth, like a local relay. */
export async function startSmtp(): Promise<SmtpFixture> {
  const messages: ReceivedMail[] = [];
  const claimed = new Set<ReceivedMail>();
  const refused = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address.toLowerCase())) {
        const err = Object.assign(new Error("mailbox unavailable"), { responseCode: 550 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        messages.push({ to, raw, ...parseMessage(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;

  const mailsTo = (to: string) => messages.filter((m) => m.to.includes(to.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    mailsTo,
    refuse: (address) => {
      refused.add(address.toLowerCase());
      return () => refused.delete(address.toLowerCase());
    },
    async waitForMail(to, timeoutMs = PATIENCE_MS) {
      const deadline = scaledDeadline(timeoutMs);
      for (;;) {
        const next = mailsTo(to).find((m) => !claimed.has(m));
        if (next) {
          claimed.add(next);
          return next;
        }
        if (deadline.expired()) throw new Error(`no mail to ${to} within ${deadline.waitedMs()} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The token of the single-use link to `page` in a mail's text part. */
export function linkToken(mail: ReceivedMail, page: string): string {
  const match = new RegExp(`https?://[^\\s]+/${page}#token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match?.[1]) throw new Error(`no ${page} link in mail "${mail.subject}":\n${mail.text}`);
  return match[1];
}

/**
 * Just enough MIME for our own mail: unfolded headers, RFC 2047 subjects, multipart/alternative
 * with text and HTML parts in quoted-printable, base64 or 7bit.
 */
function parseMessage(raw: string): Pick<ReceivedMail, "subject" | "headers" | "text" | "html"> {
  const { headers, body } = splitPart(raw);
  const type = headers["content-type"] ?? "text/plain";
  const parts: Array<{ headers: Record<string, string>; body: string }> = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith("--")) break;
      parts.push(splitPart(chunk.replace(/^\r?\n/, "")));
    }
  } else {
    parts.push({ headers, body });
  }
  const decoded = (mime: string) => {
    const part = parts.find((p) => (p.headers["content-type"] ?? "text/plain").startsWith(mime));
    return part ? decodeBody(part.body, part.headers["content-transfer-encoding"] ?? "7bit") : "";
  };
  return {
    subject: decodeWords(headers.subject ?? ""),
    headers,
    text: decoded("text/plain"),
    html: decoded("text/html"),
  };
}

function splitPart(text: string): { headers: Record<string, string>; body: string } {
  const end = text.search(/\r?\n\r?\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? "" : text.slice(end).replace(/^\r?\n\r?\n/, "");
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string): string {
  const enc = encoding.toLowerCase();
  if (enc === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (enc === "quoted-printable") return decodeQuotedPrintable(body);
  return body;
}

/** Soft line breaks (`=` at a line end) join lines; `=XX` are bytes of UTF-8. */
function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i] ?? "", "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) in a header value. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : decodeQuotedPrintable(text.replace(/_/g, " ")),
    );
}
