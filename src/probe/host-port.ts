import { isIP } from "node:net";
import { ProbeFailure } from "./probe-error.ts";

export interface HostPort {
  host: string;
  port: number;
}

const BRACKETED = /^\[([^\]]+)\](?::(\d+))?$/;
const PLAIN = /^([^:[\]]+)(?::(\d+))?$/;

/**
 * Parses `host:port`, `[v6]:port` (and, with a default port, `host`, `[v6]` or a bare IPv6 literal).
 * The host is returned without brackets; it is vetted later by resolveSafe.
 */
export function parseHostPort(target: string, defaultPort?: number): HostPort {
  const text = target.trim();
  if (defaultPort !== undefined && isIP(text) === 6) return { host: text, port: defaultPort };
  const match = BRACKETED.exec(text) ?? PLAIN.exec(text);
  const host = match?.[1];
  const portText = match?.[2];
  if (!host || (BRACKETED.test(text) && isIP(host) !== 6)) throw invalidTarget();
  const port = portText === undefined ? defaultPort : Number(portText);
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) throw invalidTarget();
  return { host, port };
}

function invalidTarget(): ProbeFailure {
  return new ProbeFailure("protocol", "invalid target: expected host:port");
}
