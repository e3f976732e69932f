import { z } from "zod";
import { ASSERTION_OPS } from "../../domain/assertion.ts";
import { checkJsonPath, ScalarValue } from "../fields.ts";
import { HTTP_LIMITS, HTTP_METHODS, type HttpMethod } from "../http/settings.ts";

export const MULTISTEP_LIMITS = { steps: 10, extracts: 10, assertions: 10 } as const;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
/** The subjects a step's own assertions may read (its response). */
export const STEP_SUBJECTS = ["status", "latency.total", "body", "json", "header"] as const;

const Extract = z
  .strictObject({
    name: z.string().regex(NAME, "must be a name like token or user_id"),
    from: z.enum(["json", "header"]),
    path: z.string().min(1).max(256).meta({ description: "A JSON path ($.data.token) or a header name" }),
  })
  .superRefine((e, ctx) => {
    if (e.from === "json") checkJsonPath(e.path, ctx, ["path"]);
  });

const StepAssertion = z.strictObject({
  subject: z.enum(STEP_SUBJECTS),
  path: z.string().max(256).optional(),
  op: z.enum(ASSERTION_OPS),
  value: ScalarValue.optional(),
});

const Step = z.strictObject({
  name: z.string().min(1).max(100),
  method: z.enum(HTTP_METHODS).default("GET"),
  url: z.string().min(1).max(2048).meta({
    description: "Absolute, or relative to the monitor's target; {{name}} takes an extracted value",
  }),
  headers: z.record(z.string().max(256), z.string().max(HTTP_LIMITS.headerValueChars)).default({}),
  body: z.string().max(HTTP_LIMITS.requestBodyChars).optional(),
  extract: z.array(Extract).max(MULTISTEP_LIMITS.extracts).default([]),
  assertions: z.array(StepAssertion).max(MULTISTEP_LIMITS.assertions).default([]),
});

export const MultistepBlock = z.strictObject({
  steps: z.array(Step).min(1).max(MULTISTEP_LIMITS.steps),
  verifyTls: z.boolean().default(true),
});

export interface MultistepStep {
  name: string;
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
  extract: Array<{ name: string; from: "json" | "header"; path: string }>;
  assertions: Array<{
    subject: (typeof STEP_SUBJECTS)[number];
    path?: string;
    op: (typeof ASSERTION_OPS)[number];
    value?: string | number | boolean | null;
  }>;
}

export interface MultistepSettings {
  steps: MultistepStep[];
  verifyTls: boolean;
}
