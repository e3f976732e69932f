import { defineMonitorType } from "../define.ts";
import { HostPort } from "../fields.ts";
import { probeTcp } from "./probe.ts";

/** A TCP connect to host:port; up when the connection opens (README.md). */
export const tcp = defineMonitorType({
  type: "tcp",
  summary: "Connects to host:port; up when the connection opens.",
  target: HostPort,
  settings: {},
  probe: probeTcp,
  subjects: ["latency.total", "latency.dns", "latency.connect"],
  // The check is the connect itself; a failed connect is an observation error.
  impliedAssertions: () => [],
});
