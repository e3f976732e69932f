import { z } from "zod";
import type { Assertion } from "../../domain/assertion.ts";
import { hard } from "../../domain/assertions.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { TlsSwitch, VerifyTls } from "../client-settings.ts";
import { defineMonitorType } from "../define.ts";
import { HostPort } from "../fields.ts";
import { type GrpcCheckSpec, probeGrpc } from "./probe.ts";

export const GrpcBlock = z
  .strictObject({
    service: z
      .string()
      .max(256)
      .regex(/^[A-Za-z0-9_.\-/]*$/, "must be a service name such as package.Service")
      .default("")
      .meta({ description: "The service to ask about; empty (the default) asks about the whole server." }),
    tls: TlsSwitch,
    verifyTls: VerifyTls,
  })
  .default({ service: "", tls: false, verifyTls: true });

/** The standard gRPC health check (README.md). */
export const grpc = defineMonitorType<CheckSpec & GrpcCheckSpec>({
  type: "grpc",
  summary:
    "Calls the standard gRPC health check (grpc.health.v1.Health/Check); up when the service is SERVING.",
  target: HostPort,
  settings: { grpc: GrpcBlock },
  probe: probeGrpc,
  subjects: ["latency.total", "latency.dns", "grpc.status", "grpc.callMs"],
  impliedAssertions(spec) {
    const implied: Assertion[] = [];
    if (!spec.assertions.some((a) => a.subject === "grpc.status"))
      implied.push(hard({ subject: "grpc.status", op: "==", value: "SERVING", caseSensitive: true }));
    return implied;
  },
});
