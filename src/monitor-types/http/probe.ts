import { Client, type Dispatcher } from "undici";
import type { Observation, Timings } from "../../domain/check-result.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { type Deadline, startDeadline } from "../../probe/deadline.ts";
import { ProbeFailure, toCheckError } from "../../probe/probe-error.ts";
import { type ConnectRecord, createSafeConnector, endClient } from "../../probe/safe-connector.ts";
import { buildTimings } from "../../probe/timing.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { drainBody, readBodyText } from "./body.ts";
import { buildNextHop, isRedirectStatus } from "./redirects.ts";
import { buildFirstHop, type Hop } from "./request.ts";
import type { HttpSettings } from "./settings.ts";

/** A check of an http-like type (http, keyword, json): the spec with its `http` block. */
export type HttpCheckSpec = CheckSpec & { http: HttpSettings };

/** What the final response gave, before timings are assembled. */
interface HttpOutcome {
  statusCode: number;
  headers: Record<string, string>;
  firstByteMs: number;
  body?: string;
  bodyTruncated?: boolean;
}

type HopResult = { outcome: HttpOutcome } | { location: string; statusCode: number };

interface CheckContext {
  spec: HttpCheckSpec;
  options: ProbeOptions;
  deadline: Deadline;
  record: ConnectRecord;
}

/**
 * The single outbound HTTP client for checks. One hard deadline covers everything; every hop
 * gets a fresh connection through the vetting connector; redirects are followed here, not by undici.
 */
export async function probeHttp(spec: HttpCheckSpec, options: ProbeOptions): Promise<Observation> {
  const deadline = startDeadline(spec.timeoutMs);
  const record: ConnectRecord = {};
  const ctx: CheckContext = { spec, options, deadline, record };
  try {
    const outcome = await deadline.race(followHops(ctx));
    const observation: Observation = {
      timings: buildTimings({ ...phasesOf(record), firstByte: outcome.firstByteMs }, deadline.elapsed()),
      statusCode: outcome.statusCode,
      headers: outcome.headers,
    };
    if (outcome.body !== undefined) {
      observation.body = outcome.body;
      observation.bodyTruncated = outcome.bodyTruncated ?? false;
    }
    return withConnectFacts(observation, record);
  } catch (err) {
    const error = toCheckError(record.failure ?? err, deadline.expired());
    return withConnectFacts({ timings: buildTimings(phasesOf(record), deadline.elapsed()), error }, record);
  } finally {
    deadline.dispose();
  }
}

async function followHops(ctx: CheckContext): Promise<HttpOutcome> {
  const settings = ctx.spec.http;
  let hop = buildFirstHop(ctx.spec.target, settings, ctx.options.userAgent);
  for (let followed = 0; ; followed++) {
    const result = await exchangeHop(ctx, hop);
    if ("outcome" in result) return result.outcome;
    if (followed >= settings.maxRedirects) {
      throw new ProbeFailure("too_many_redirects", `more than ${settings.maxRedirects} redirects`);
    }
    hop = buildNextHop(hop, result.location, result.statusCode);
  }
}

/** One request on its own Client (so its own connection), destroyed before the next hop starts. */
async function exchangeHop(ctx: CheckContext, hop: Hop): Promise<HopResult> {
  const { deadline, record } = ctx;
  record.failure = undefined;
  const client = new Client(hop.url.origin, {
    connect: createSafeConnector({
      url: hop.url,
      allowPrivate: ctx.options.allowPrivateTargets,
      verifyTls: ctx.spec.http.verifyTls,
      signal: deadline.signal,
      record,
    }),
    allowH2: false,
    pipelining: 1,
    // The check's own deadline is the only timeout; undici's would only add a second clock.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const destroyClient = () => endClient(client);
  deadline.signal.addEventListener("abort", destroyClient, { once: true });
  try {
    const response = await client.request({
      path: hop.url.pathname + hop.url.search,
      method: hop.method,
      headers: hop.headers,
      body: hop.body ?? null,
      signal: deadline.signal,
    });
    return await handleResponse(ctx, hop, response);
  } finally {
    deadline.signal.removeEventListener("abort", destroyClient);
    // The response is fully read or destroyed by now, so nothing is left to wait for.
    await destroyClient();
  }
}

async function handleResponse(
  ctx: CheckContext,
  hop: Hop,
  response: Dispatcher.ResponseData,
): Promise<HopResult> {
  const firstByteMs = ctx.deadline.elapsed();
  // undici turns an early destroy into an 'error' event; we end bodies early on purpose.
  response.body.on("error", () => {});
  const headers = flattenHeaders(response.headers);
  const location = headers["location"];
  if (ctx.spec.http.followRedirects && isRedirectStatus(response.statusCode) && location) {
    response.body.destroy();
    return { location, statusCode: response.statusCode };
  }
  const outcome: HttpOutcome = { statusCode: response.statusCode, headers, firstByteMs };
  const cap = ctx.options.maxBodyBytes;
  if (needsBody(ctx.spec) && hop.method !== "HEAD") {
    const read = await readBodyText(response.body, headers["content-encoding"], cap);
    outcome.body = read.text;
    outcome.bodyTruncated = read.truncated;
  } else {
    await drainBody(response.body, cap);
  }
  return { outcome };
}

/** The body is read only when something will judge it; otherwise it is drained and dropped. */
export function needsBody(spec: HttpCheckSpec): boolean {
  if (spec.type === "keyword" || spec.type === "json") return true;
  return spec.assertions.some((a) => a.subject === "body" || a.subject === "json");
}

function flattenHeaders(raw: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function phasesOf(record: ConnectRecord): Omit<Timings, "total"> {
  return { dns: record.dnsMs, connect: record.connectMs, tls: record.tlsMs };
}

function withConnectFacts(observation: Observation, record: ConnectRecord): Observation {
  if (record.remoteAddress) observation.remoteAddress = record.remoteAddress;
  if (record.cert) observation.cert = record.cert;
  return observation;
}
