import { z } from "zod";

/** C0/C1 controls, DEL and bidi overrides: never in names people read in lists, pages and mail. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
export const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A trimmed, non-empty, single-line text of at most `max` characters without control or bidi characters. */
export const safeText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !UNSAFE_CHARS.test(s), "must not contain control or bidi characters");
