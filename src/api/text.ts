import { z } from "zod";
import { UNSAFE_CHARS } from "../lib/unsafe-chars.ts";

export { UNSAFE_CHARS };

/** A trimmed, non-empty, single-line text of at most `max` characters without control or bidi characters. */
export const safeText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !UNSAFE_CHARS.test(s), "must not contain control or bidi characters");
