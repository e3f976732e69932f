import { z } from "zod";
import { hard } from "../../domain/assertions.ts";
import { defineMonitorType } from "../define.ts";
import { checkJsonPath, HttpUrl, ScalarValue } from "../fields.ts";
import { HTTP_SUBJECTS, statusDefaults } from "../http/implied.ts";
import { type HttpCheckSpec, probeHttp } from "../http/probe.ts";
import { httpSecrets } from "../http/secrets.ts";
import { HttpBlock } from "../http/settings.ts";

export const JSON_OPS = ["==", "!=", "<", ">", "contains", "exists"] as const;
export type JsonOp = (typeof JSON_OPS)[number];

export interface JsonSettings {
  path: string;
  op: JsonOp;
  /** Absent only for `exists`. */
  expected?: string | number | boolean | null;
}

const JsonBlock = z
  .strictObject({ path: z.string().max(256), op: z.enum(JSON_OPS), expected: ScalarValue.optional() })
  .superRefine((j, ctx) => {
    checkJsonPath(j.path, ctx, ["path"]);
    if (j.op !== "exists" && j.expected === undefined) {
      ctx.addIssue({ code: "custom", path: ["expected"], message: `${j.op} needs an expected value` });
    }
  });

/** An http check whose JSON body must hold a value at a path (README.md). */
export const json = defineMonitorType<HttpCheckSpec & { json: JsonSettings }>({
  type: "json",
  summary: "An http check that is up when a value in the JSON body compares as configured.",
  target: HttpUrl,
  settings: { http: HttpBlock, json: JsonBlock },
  probe: probeHttp,
  subjects: HTTP_SUBJECTS,
  impliedAssertions(spec) {
    const { path, op, expected } = spec.json;
    const implied = hard({ subject: "json", path, op });
    if (op !== "exists" && expected !== undefined) implied.value = expected;
    return [...statusDefaults(spec), implied];
  },
  secrets: httpSecrets,
});
