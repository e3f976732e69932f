/** Dates and durations as the person's browser writes them. */
export function formatAt(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** How long an incident lasted, or has lasted so far. */
export function incidentDuration(i: { startedAt: string; durationMs: number | null }): string {
  return formatDuration(i.durationMs ?? Date.now() - new Date(i.startedAt).getTime());
}
