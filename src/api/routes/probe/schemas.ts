import { z } from "zod";
import { ERROR_KINDS, RESULT_STATUSES } from "../../../domain/check-result.ts";

/** The remote-probe protocol's bodies (docs/remote-probes.md). Results are validated like any input. */
const ms = z.number().min(0).max(3_600_000);
const epochMs = z.number().int().min(0).max(8.64e15);

export const ProbeResult = z
  .strictObject({
    monitorId: z.string().min(1).max(64),
    region: z.string().max(40).optional().meta({ description: "If sent, must be the token's region" }),
    slotAt: epochMs.meta({ description: "The slot the probe was handed (epoch ms)" }),
    startedAt: epochMs,
    status: z.enum(RESULT_STATUSES),
    statusCode: z.number().int().min(0).max(999).optional(),
    timings: z.strictObject({
      dns: ms.optional(),
      connect: ms.optional(),
      tls: ms.optional(),
      firstByte: ms.optional(),
      total: ms,
    }),
    error: z.strictObject({ kind: z.enum(ERROR_KINDS), message: z.string().max(2000) }).optional(),
    verdicts: z
      .array(
        z.strictObject({
          assertion: z.string().max(500),
          ok: z.boolean(),
          severity: z.enum(["hard", "soft"]),
          actual: z.union([z.string().max(500), z.number(), z.boolean(), z.null()]).optional(),
        }),
      )
      .max(100),
    cert: z
      .strictObject({
        daysLeft: z.number(),
        validTo: z.string().max(64),
        hostnameMatch: z.boolean(),
        chainValid: z.boolean(),
        subject: z.string().max(500).optional(),
        issuer: z.string().max(500).optional(),
        fingerprint: z.string().max(128).optional(),
      })
      .optional(),
    offline: z.literal(true).optional().meta({
      description:
        "Protocol 2: checked while the probe could not reach the server, without a claim (history only: never moves state)",
    }),
  })
  .meta({ id: "ProbeResult" });

export const ProbeResultsBody = z
  .strictObject({ results: z.array(ProbeResult).max(1000) })
  .meta({ id: "ProbeResults" });

export const ProbeResultsResponse = z
  .object({
    accepted: z
      .number()
      .int()
      .meta({ description: "Results handed to the evaluator (stored once per slot)" }),
    refused: z.array(z.object({ index: z.number().int(), reason: z.string() })),
  })
  .meta({ id: "ProbeResultsOutcome" });

export const ClaimBody = z
  .strictObject({
    max: z.number().int().min(1).max(500).default(50).meta({ description: "Slots wanted at most" }),
    waitSeconds: z.number().int().min(0).max(25).default(0).meta({
      description: "Long-poll: how long to wait for a due slot when none is due now (0: answer at once)",
    }),
  })
  .meta({ id: "ProbeClaim" });

const Protocol = z
  .union([z.literal(1), z.literal(2)])
  .meta({ description: "The protocol version of the request, answered in kind" });

export const ClaimResponse = z
  .object({
    protocol: Protocol,
    serverTime: z.number().int().meta({ description: "The server's clock (epoch ms), for the probe's skew" }),
    slots: z.array(
      z.object({
        monitorId: z.string(),
        slotAt: z.number().int(),
        revision: z
          .number()
          .int()
          .meta({ description: "The monitor's revision: refresh assignments if newer" }),
      }),
    ),
  })
  .meta({ id: "ProbeSlots" });

export const AssignmentsResponse = z
  .object({
    protocol: Protocol,
    region: z.string(),
    revision: z
      .string()
      .meta({ description: "Also the ETag; send it in If-None-Match to get 304 when unchanged" }),
    serverTime: z.number().int(),
    allowPrivateTargets: z.boolean().optional().meta({
      description:
        "Protocol 2: the region lets its probes check loopback and private-network targets (a probe may still refuse them)",
    }),
    offlineMaxSeconds: z.number().int().optional().meta({
      description: "Protocol 2: how long a probe may check on its own after losing the server",
    }),
    monitors: z.array(z.record(z.string(), z.unknown())).meta({
      description:
        "Check specs (monitorId, type, target, timeoutMs, assertions, settings, revision; protocol 2 adds intervalSeconds)",
    }),
  })
  .meta({ id: "ProbeAssignments" });
