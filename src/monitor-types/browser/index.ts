import { defineMonitorType } from "../define.ts";
import { HttpUrl } from "../fields.ts";
import { BROWSER_SUBJECTS, browserImplied } from "./implied.ts";
import { type BrowserSpec, probeBrowser } from "./probe.ts";
import { BrowserBlock } from "./settings.ts";

/** A real page load in Chromium, then optional steps (README.md). */
export const browser = defineMonitorType<BrowserSpec>({
  type: "browser",
  summary:
    "Loads the page in a real Chromium (every request through target safety) and runs optional steps (goto, click, fill, expect text); a failed step or a non-2xx/3xx page is down, with a screenshot.",
  target: HttpUrl,
  settings: { browser: BrowserBlock },
  probe: (spec, options) => probeBrowser(spec, options),
  subjects: BROWSER_SUBJECTS,
  impliedAssertions: browserImplied,
  needs: "browser",
});
