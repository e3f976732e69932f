import { z } from "zod";
import { AppError, type FieldIssue } from "../../../lib/errors.ts";
import {
  checkTemplate,
  describeIssue,
  TEMPLATE_NAMES,
  type TemplateSource,
} from "../../../notify/template.ts";

/** Control characters and bidi overrides; a title also refuses line breaks and tabs. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const TITLE_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** The same, but a text may hold line breaks and tabs (`\n`, not `\r`). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const TEXT_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export const MAX_TEMPLATE_TITLE = 200;
export const MAX_TEMPLATE_TEXT = 4_000;

/** A channel's custom template in requests; its syntax is checked by `checkTemplateBody`. */
export const TemplateBody = z
  .strictObject({
    title: z
      .string()
      .min(1)
      .max(MAX_TEMPLATE_TITLE)
      .refine((s) => !TITLE_UNSAFE.test(s), "one line, without control or bidi characters")
      .optional(),
    text: z
      .string()
      .min(1)
      .max(MAX_TEMPLATE_TEXT)
      .refine((s) => !TEXT_UNSAFE.test(s), "no control or bidi characters besides line breaks (\\n) and tabs")
      .optional(),
  })
  .meta({
    id: "ChannelTemplate",
    description: `Logic-less: \`{{name}}\`, \`{{#name}}…{{/name}}\` (shown when present), \`{{^name}}…{{/name}}\` (when absent). Names: ${TEMPLATE_NAMES.join(", ")}. Values are escaped for the channel; your own text is kept. See docs/templates.md.`,
  });

/** A stored template in responses; null when the channel uses the default wording. */
export const TemplateResponse = z
  .object({ title: z.string().optional(), text: z.string().optional() })
  .nullable()
  .meta({ description: "The channel's custom template, or null for the default wording" });

/**
 * Refuses a template whose parts do not parse, with a 422 naming every problem, its field and
 * its position (line and column). Request validation has already checked sizes and characters.
 */
export function checkTemplateBody(template: TemplateSource | null | undefined, path = "body.template"): void {
  if (!template) return;
  const errors: FieldIssue[] = [];
  for (const part of ["title", "text"] as const) {
    const source = template[part];
    if (source === undefined) continue;
    for (const issue of checkTemplate(source))
      errors.push({ path: `${path}.${part}`, message: describeIssue(issue) });
  }
  if (errors.length > 0)
    throw new AppError("PRECONDITION_FAILED", `The template cannot be used: ${errors.length} problem(s)`, {
      errors,
    });
}
