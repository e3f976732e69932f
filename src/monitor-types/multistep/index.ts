import { hard } from "../../domain/assertions.ts";
import { defineMonitorType } from "../define.ts";
import { HttpUrl } from "../fields.ts";
import { type MultistepSpec, probeMultistep } from "./probe.ts";
import { multistepSecrets } from "./secrets.ts";
import { MultistepBlock } from "./settings.ts";

/** Several HTTP requests in order, values of one response used in the next (README.md). */
export const multistep = defineMonitorType<MultistepSpec>({
  type: "multistep",
  summary:
    "Several HTTP requests in order, each with its own assertions; values extracted from a response (JSON path, header) fill later requests.",
  target: HttpUrl,
  settings: { multistep: MultistepBlock },
  probe: probeMultistep,
  subjects: [
    "status",
    "latency.total",
    "latency.firstByte",
    "body",
    "json",
    "header",
    "multistep.failedStep",
    "multistep.passedSteps",
  ],
  // Each step's assertions are judged as it runs; a failing one ends the check as an error.
  impliedAssertions: () => [hard({ subject: "multistep.failedStep", op: "==", value: 0 })],
  secrets: multistepSecrets,
});
