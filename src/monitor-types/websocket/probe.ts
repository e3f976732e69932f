/**
 * `websocket`: open a WebSocket (HTTP upgrade) through the probe's safe connector, optionally
 * send a message and read the first one back, then close. Target a `ws://` or `wss://` URL.
 * Status: the upgrade's HTTP status (101 when accepted). Facts: `websocket.message`,
 * `websocket.messageMs`, `websocket.closeMs`, `websocket.protocol`.
 */
import type { Socket } from "node:net";
import WebSocket from "ws";
import type { Observation, Timings } from "../../domain/check-result.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { startDeadline } from "../../probe/deadline.ts";
import { ProbeFailure, toCheckError } from "../../probe/probe-error.ts";
import { type ConnectRecord, createSafeConnector } from "../../probe/safe-connector.ts";
import { buildTimings, roundMs } from "../../probe/timing.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { shortText } from "../client-redact.ts";

export interface WebsocketSettings {
  /** A text message sent once the connection is open. */
  send?: string;
  /** The first message back must contain this text: an implied assertion on `websocket.message`. */
  expect?: string;
  /** Subprotocols offered (`Sec-WebSocket-Protocol`). */
  subprotocols: string[];
  /** With wss, refuse an untrusted certificate (after reporting it). */
  verifyTls: boolean;
}

export type WebsocketCheckSpec = CheckSpec & { websocket: WebsocketSettings };

/** A larger message fails the check (ws closes with 1009); a check reads one small answer. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export async function probeWebsocket(spec: WebsocketCheckSpec, options: ProbeOptions): Promise<Observation> {
  const settings = spec.websocket;
  const deadline = startDeadline(spec.timeoutMs);
  const record: ConnectRecord = {};
  const facts: Record<string, string | number> = {};
  const phases: Omit<Timings, "total"> = {};
  let statusCode: number | undefined;
  let ws: WebSocket | undefined;
  try {
    await deadline.race(
      (async () => {
        const url = parseTarget(spec.target);
        const connector = createSafeConnector({
          url: new URL(url.href.replace(/^ws/, "http")),
          allowPrivate: options.allowPrivateTargets,
          verifyTls: settings.verifyTls,
          signal: deadline.signal,
          record,
        });
        const socket = await new Promise<Socket>((resolve, reject) => {
          const connectOptions = { hostname: url.hostname, protocol: url.protocol, port: url.port };
          connector(connectOptions as Parameters<typeof connector>[0], (err, s) =>
            err || !s ? reject(err) : resolve(s),
          );
        });
        Object.assign(phases, { dns: record.dnsMs, connect: record.connectMs, tls: record.tlsMs });
        const requestedAt = deadline.elapsed();
        ws = new WebSocket(url, settings.subprotocols, {
          // The socket the connector vetted and opened; ws never resolves or connects itself.
          createConnection: () => socket,
          followRedirects: false,
          perMessageDeflate: false,
          maxPayload: MAX_MESSAGE_BYTES,
          headers: { "user-agent": options.userAgent },
        });
        const opened = ws;
        // Later errors end the check through "close" (or the deadline); never an unhandled "error".
        opened.on("error", () => {});
        const firstMessage = new Promise<string>((resolve, reject) => {
          opened.once("message", (data: WebSocket.RawData) => resolve(rawText(data)));
          opened.once("close", (code: number) =>
            reject(new ProbeFailure("reset", `closed by the server before a message (${code})`)),
          );
        });
        firstMessage.catch(() => {});
        statusCode = await new Promise<number>((resolve, reject) => {
          opened.once("upgrade", (res) => resolve(res.statusCode ?? 101));
          opened.once("unexpected-response", (_req, res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          opened.once("error", reject);
        });
        phases.firstByte = deadline.elapsed() - requestedAt;
        if (statusCode !== 101) return;
        await new Promise<void>((resolve, reject) => {
          if (opened.readyState === WebSocket.OPEN) resolve();
          opened.once("open", () => resolve());
          opened.once("close", () => reject(new ProbeFailure("reset", "connection closed by the server")));
        });
        if (opened.protocol) facts["websocket.protocol"] = shortText(opened.protocol, 100);
        if (settings.send !== undefined || settings.expect !== undefined) {
          const started = deadline.elapsed();
          if (settings.send !== undefined) opened.send(settings.send);
          facts["websocket.message"] = shortText(await firstMessage);
          facts["websocket.messageMs"] = roundMs(deadline.elapsed() - started);
        }
        const closing = deadline.elapsed();
        await new Promise<void>((resolve) => {
          opened.once("close", () => resolve());
          opened.close(1000, "upblit check done");
        });
        facts["websocket.closeMs"] = roundMs(deadline.elapsed() - closing);
      })(),
    );
    return finish({ timings: buildTimings(phases, deadline.elapsed()) });
  } catch (err) {
    const error = toCheckError(record.failure ?? err, deadline.expired());
    return finish({ timings: buildTimings(phases, deadline.elapsed()), error });
  } finally {
    deadline.dispose();
    ws?.terminate();
  }

  function finish(observation: Observation): Observation {
    if (statusCode !== undefined) observation.statusCode = statusCode;
    if (Object.keys(facts).length > 0) observation.facts = facts;
    if (record.remoteAddress) observation.remoteAddress = record.remoteAddress;
    if (record.cert) observation.cert = record.cert;
    return observation;
  }
}

function parseTarget(target: string): URL {
  const url = URL.canParse(target) ? new URL(target) : undefined;
  if (!url || (url.protocol !== "ws:" && url.protocol !== "wss:"))
    throw new ProbeFailure("protocol", "invalid target: expected a ws:// or wss:// URL");
  return url;
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data as ArrayBuffer).toString("utf8");
}
