/**
 * `grpc`: the standard health check, `grpc.health.v1.Health/Check`, over HTTP/2 with @grpc/grpc-js
 * (pure JavaScript). The channel is given the vetted IP address, never the name (no second lookup,
 * no proxy); the name is kept for TLS. Target `host:port`. Facts: `grpc.status` (SERVING…),
 * `grpc.callMs`.
 */
import { isIP } from "node:net";
import type { ServiceError } from "@grpc/grpc-js";
import { ProbeFailure } from "../../probe/probe-error.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { type ClientCheckSpec, type ClientObservation, msSince, runClientCheck } from "../client-check.ts";
import { shortText } from "../client-redact.ts";
import {
  decodeResponse,
  encodeRequest,
  HEALTH_CHECK_PATH,
  type HealthCheckResponse,
} from "./health-codec.ts";

export interface GrpcSettings {
  /** The service to ask about; empty asks about the server as a whole. */
  service: string;
  tls: boolean;
  /** With `tls`, refuse an untrusted certificate or another name. */
  verifyTls: boolean;
}

export type GrpcCheckSpec = ClientCheckSpec & { grpc: GrpcSettings };

/** @grpc/grpc-js, loaded on the first check of this type, not at start: ~11 MB of memory most servers never use (docs/benchmarks.md). */
let grpc: Awaited<ReturnType<typeof loadGrpc>> | undefined;
const loadGrpc = () => import("@grpc/grpc-js");

export async function probeGrpc(spec: GrpcCheckSpec, options: ProbeOptions): Promise<ClientObservation> {
  grpc ??= await loadGrpc();
  const { ChannelCredentials, Client, Metadata, status } = grpc;
  const settings = spec.grpc;
  // The API requires a port; 50051, gRPC's customary one, only serves a job from elsewhere.
  return runClientCheck(spec, options, 50051, [], async (ctx) => {
    const { target, deadline, facts } = ctx;
    const address =
      isIP(target.address) === 6
        ? `ipv6:[${target.address}]:${target.port}`
        : `ipv4:${target.address}:${target.port}`;
    const credentials = settings.tls
      ? ChannelCredentials.createSsl(null, null, null, { rejectUnauthorized: settings.verifyTls })
      : ChannelCredentials.createInsecure();
    const client = new Client(address, credentials, {
      "grpc.enable_http_proxy": 0,
      "grpc.enable_retries": 0,
      "grpc.default_authority": `${target.hostname.includes(":") ? `[${target.hostname}]` : target.hostname}:${target.port}`,
      ...(settings.tls && isIP(target.hostname) === 0
        ? { "grpc.ssl_target_name_override": target.hostname }
        : {}),
      "grpc.max_receive_message_length": 4096,
      "grpc.primary_user_agent": options.userAgent,
    });
    ctx.onCleanup(() => client.close());
    const started = deadline.elapsed();
    const response = await new Promise<HealthCheckResponse>((resolve, reject) => {
      client.makeUnaryRequest(
        HEALTH_CHECK_PATH,
        encodeRequest,
        decodeResponse,
        { service: settings.service },
        new Metadata(),
        { deadline: new Date(Date.now() + Math.max(0, spec.timeoutMs - deadline.elapsed())) },
        (err: ServiceError | null, value?: HealthCheckResponse) => {
          if (err) reject(asCheckFailure(err, status));
          else if (value) resolve(value);
          else reject(new ProbeFailure("protocol", "empty answer"));
        },
      );
    });
    facts["grpc.callMs"] = msSince(deadline, started);
    facts["grpc.status"] = response.status;
  });
}

/** A call that failed: the network kinds as the probe names them, the server's word otherwise. */
function asCheckFailure(err: ServiceError, status: typeof import("@grpc/grpc-js").status): ProbeFailure {
  const details = err.details ?? "";
  if (err.code === status.DEADLINE_EXCEEDED) return new ProbeFailure("timeout", "check timed out");
  if (err.code === status.UNAVAILABLE) {
    if (/ECONNREFUSED/.test(details)) return new ProbeFailure("refused", "connection refused");
    if (/certificate|SSL|TLS|self.signed|altname/i.test(details))
      return new ProbeFailure("tls", shortText(`certificate not trusted: ${details}`, 200));
  }
  return new ProbeFailure(
    "protocol",
    shortText(`grpc: ${err.code} ${status[err.code] ?? ""} ${details}`, 200),
  );
}
