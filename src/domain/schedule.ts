/**
 * Schedule math. A monitor's slots are the instants `k * interval + offset` (ms since epoch),
 * where the offset is a stable hash of the monitor id. Monitors with the same interval are thus
 * spread evenly over it, and a monitor keeps its rhythm across restarts and edits.
 */

/** FNV-1a, 32 bit: stable across processes and versions, unlike anything seeded. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function slotOffsetMs(monitorId: string, intervalMs: number): number {
  return hash32(monitorId) % intervalMs;
}

/** The first slot strictly after `t`. */
export function nextSlotAfter(t: number, intervalMs: number, offsetMs: number): number {
  const k = Math.floor((t - offsetMs) / intervalMs) + 1;
  return k * intervalMs + offsetMs;
}

/** The latest slot at or before `t`. */
export function latestSlotAtOrBefore(t: number, intervalMs: number, offsetMs: number): number {
  return Math.floor((t - offsetMs) / intervalMs) * intervalMs + offsetMs;
}
