import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";
import type { components } from "../../api/schema";

export type Incident = components["schemas"]["Incident"];
export type IncidentDetail = components["schemas"]["IncidentDetail"];
export type TimelineItem = components["schemas"]["IncidentTimelineItem"];
export type WorkflowStatus = Incident["workflowStatus"];
export const WORKFLOW: WorkflowStatus[] = ["investigating", "identified", "monitoring", "resolved"];

/**
 * Query keys all start with "incidents": the live stream's `incident.changed` and
 * `monitor.state` events invalidate them (web/src/api/live.ts), so open pages re-read.
 */
export const keys = {
  list: (status: "open" | "resolved") => ["incidents", "list", status] as const,
  detail: (id: string) => ["incidents", id] as const,
  timeline: (id: string) => ["incidents", id, "timeline"] as const,
};

export function useIncidentList(status: "open" | "resolved") {
  return useQuery({
    queryKey: keys.list(status),
    queryFn: async () => await sdk.op.listIncidents({ query: { status, limit: 100 } }),
  });
}

export function useIncident(id: string) {
  return useQuery({
    queryKey: keys.detail(id),
    queryFn: async () => await sdk.op.getIncident({ path: { id } }),
  });
}

export function useTimeline(id: string) {
  return useQuery({
    queryKey: keys.timeline(id),
    queryFn: async () => await sdk.op.getIncidentTimeline({ path: { id } }),
  });
}

/** A monitor's name for lists that only carry its id (shared across rows, cached). */
export function useMonitorName(id: string) {
  return useQuery({
    queryKey: ["monitor-name", id],
    staleTime: 5 * 60_000,
    queryFn: async () => (await sdk.op.getMonitor({ path: { id } })).name,
  });
}

export function useMembers() {
  return useQuery({
    queryKey: ["members"],
    staleTime: 60_000,
    queryFn: async () => await sdk.op.listMembers({ query: { limit: 200 } }),
  });
}

/** Everything that changes an incident refreshes every incident query once it is done. */
function useIncidentMutation<A>(fn: (arg: A) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => client.invalidateQueries({ queryKey: ["incidents"] }),
  });
}

export function useAcknowledge(id: string) {
  return useIncidentMutation(
    async (note: string) =>
      await sdk.op.acknowledgeIncident({ path: { id }, body: note.trim() ? { note: note.trim() } : {} }),
  );
}

export type IncidentPatch = {
  assigneeId?: string | null;
  workflowStatus?: WorkflowStatus;
  postmortem?: string | null;
};

export function usePatchIncident(id: string) {
  return useIncidentMutation(
    async (body: IncidentPatch) => await sdk.op.updateIncident({ path: { id }, body }),
  );
}

export function useAddNote(id: string) {
  return useIncidentMutation(
    async (body: string) => await sdk.op.addIncidentNote({ path: { id }, body: { body } }),
  );
}
