import { z } from "zod";
import { hard } from "../../domain/assertions.ts";
import { defineMonitorType } from "../define.ts";
import { HttpUrl } from "../fields.ts";
import { HTTP_SUBJECTS, statusDefaults } from "../http/implied.ts";
import { type HttpCheckSpec, probeHttp } from "../http/probe.ts";
import { httpSecrets } from "../http/secrets.ts";
import { HttpBlock } from "../http/settings.ts";

export interface KeywordSettings {
  keyword: string;
  /** `contains`: up when the body has the keyword; `notContains`: up when it does not. */
  mode: "contains" | "notContains";
  caseSensitive: boolean;
}

const KeywordBlock = z.strictObject({
  keyword: z.string().min(1).max(1024),
  mode: z.enum(["contains", "notContains"]).default("contains"),
  caseSensitive: z.boolean().default(false),
});

/** An http check whose body must (or must not) contain a keyword (README.md). */
export const keyword = defineMonitorType<HttpCheckSpec & { keyword: KeywordSettings }>({
  type: "keyword",
  summary: "An http check that is up when the body contains (or, with notContains, lacks) a keyword.",
  target: HttpUrl,
  settings: { http: HttpBlock, keyword: KeywordBlock },
  probe: probeHttp,
  subjects: HTTP_SUBJECTS,
  impliedAssertions(spec) {
    const { keyword, mode, caseSensitive } = spec.keyword;
    return [...statusDefaults(spec), hard({ subject: "body", op: mode, value: keyword, caseSensitive })];
  },
  secrets: httpSecrets,
});
