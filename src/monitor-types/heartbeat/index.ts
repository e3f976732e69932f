import { z } from "zod";
import { hard } from "../../domain/assertions.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { defineMonitorType, type MonitorTypeSecrets } from "../define.ts";
import type { HeartbeatSettings } from "./settings.ts";
import { HeartbeatBlock } from "./settings.ts";

export type HeartbeatSpec = CheckSpec & { heartbeat: HeartbeatSettings };

/** The facts a ping's result carries, as assertion subjects (README.md). */
export const HEARTBEAT_SUBJECTS = [
  "heartbeat.exitStatus",
  "heartbeat.duration",
  "heartbeat.runsInWindow",
] as const;

/** The token is the ping URL's secret: shown to members (they paste it into jobs), never changed by an update. */
const keepToken: MonitorTypeSecrets = {
  present: (settings) => settings,
  keep(current, merged) {
    const token = (current.heartbeat as { token?: unknown } | undefined)?.token;
    const block = merged.heartbeat;
    if (typeof token === "string" && block && typeof block === "object") {
      merged.heartbeat = { ...(block as object), token };
    }
  },
};

/** A job that pings Upblit (Healthchecks-compatible ping URLs); down when a ping is missing, failed or late. */
export const heartbeat = defineMonitorType<HeartbeatSpec>({
  type: "heartbeat",
  summary:
    "Pushed to: a job pings /ping/{token} (Healthchecks' paths); down on a missed deadline, a failure, or a run that never finished.",
  target: z.string().max(0, "heartbeat monitors have no target").default(""),
  settings: { heartbeat: HeartbeatBlock.prefault({}) },
  passive: true,
  probe: async () => ({
    timings: { total: 0 },
    error: { kind: "internal", message: "heartbeat monitors are pinged, not checked" },
  }),
  subjects: HEARTBEAT_SUBJECTS,
  impliedAssertions: () => [hard({ subject: "heartbeat.exitStatus", op: "==", value: 0 })],
  secrets: keepToken,
});
