import type { Monitor, MonitorState } from "../../domain/monitor.ts";

/** A monitor with its derived state, as use cases return it. */
export type MonitorWithState = Monitor & {
  state: MonitorState;
  stateSince: Date;
  lastCheckedAt: Date | null;
  lastStatus: string | null;
  /** The monitors it depends on, in id order. */
  parents: string[];
};
