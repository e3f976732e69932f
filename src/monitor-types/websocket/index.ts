import { z } from "zod";
import type { Assertion } from "../../domain/assertion.ts";
import { hard } from "../../domain/assertions.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { UNSAFE_CHARS } from "../../lib/unsafe-chars.ts";
import { VerifyTls } from "../client-settings.ts";
import { defineMonitorType } from "../define.ts";
import { TARGET_CHARS } from "../fields.ts";
import { probeWebsocket, type WebsocketCheckSpec } from "./probe.ts";

export const WsUrl = z
  .string()
  .max(TARGET_CHARS)
  .refine((s) => !UNSAFE_CHARS.test(s) && !/\s/.test(s), "must not contain spaces or control characters")
  .refine((s) => {
    if (!URL.canParse(s)) return false;
    const u = new URL(s);
    return (u.protocol === "ws:" || u.protocol === "wss:") && u.hostname.length > 0;
  }, "must be an absolute ws:// or wss:// URL")
  .refine(
    (s) => !URL.canParse(s) || (new URL(s).username === "" && new URL(s).password === ""),
    "must not contain credentials",
  )
  .meta({ example: "wss://example.com/socket" });

/** RFC 6455 subprotocol names are HTTP tokens. */
const Subprotocol = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, "must be a token");

export const WebsocketBlock = z
  .strictObject({
    send: z.string().max(4096).optional(),
    expect: z.string().min(1).max(1024).optional().meta({
      description: "The first message back must contain this text (case-sensitive).",
    }),
    subprotocols: z.array(Subprotocol).max(8).default([]),
    verifyTls: VerifyTls,
  })
  .default({ subprotocols: [], verifyTls: true });

/** A WebSocket upgrade, an optional message and its answer, a clean close (README.md). */
export const websocket = defineMonitorType<CheckSpec & WebsocketCheckSpec>({
  type: "websocket",
  summary: "Opens a WebSocket, optionally sends a message and reads the answer, then closes it.",
  target: WsUrl,
  settings: { websocket: WebsocketBlock },
  probe: probeWebsocket,
  subjects: [
    "status",
    "latency.total",
    "latency.dns",
    "latency.connect",
    "latency.tls",
    "latency.firstByte",
    "cert.daysLeft",
    "cert.hostnameMatch",
    "cert.chainValid",
    "websocket.message",
    "websocket.messageMs",
    "websocket.closeMs",
    "websocket.protocol",
  ],
  impliedAssertions(spec) {
    const user = (subject: string) => spec.assertions.some((a) => a.subject === subject);
    const implied: Assertion[] = [];
    if (!user("status")) implied.push(hard({ subject: "status", op: "==", value: 101 }));
    const expected = spec.websocket.expect;
    if (expected !== undefined && !user("websocket.message"))
      implied.push(
        hard({ subject: "websocket.message", op: "contains", value: expected, caseSensitive: true }),
      );
    return implied;
  },
});
