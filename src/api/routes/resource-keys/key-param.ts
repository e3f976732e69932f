import { z } from "zod";
import { KEY_PATTERN } from "../../../services/resource-keys/resource-keys.ts";

/** A config-as-code key in a path (docs/config-as-code.md#keys). */
export const Key = z.string().regex(KEY_PATTERN).meta({
  description:
    "Lowercase letters, digits, `.`, `_` and `-`; 1–100 characters, starting with a letter or digit",
});

export const KeyParams = z.object({ key: Key });
