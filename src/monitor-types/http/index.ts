import { defineMonitorType } from "../define.ts";
import { HttpUrl } from "../fields.ts";
import { HTTP_SUBJECTS, statusDefaults } from "./implied.ts";
import { type HttpCheckSpec, probeHttp } from "./probe.ts";
import { httpSecrets } from "./secrets.ts";
import { HttpBlock } from "./settings.ts";

/** An HTTP(S) request; up when the status is 2xx or 3xx (README.md). */
export const http = defineMonitorType<HttpCheckSpec>({
  type: "http",
  summary: "An HTTP(S) request; up on a 2xx or 3xx status unless assertions say otherwise.",
  target: HttpUrl,
  settings: { http: HttpBlock },
  probe: probeHttp,
  subjects: HTTP_SUBJECTS,
  impliedAssertions: statusDefaults,
  secrets: httpSecrets,
});
