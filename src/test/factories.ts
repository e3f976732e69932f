import type { MonitorDefinition } from "../domain/monitor.ts";

/**
 * A valid monitor definition for service-level tests: an http monitor of a port nobody listens
 * on (nothing runs it unless the test starts the probe). Overrides replace fields.
 */
export function monitorDefinition(overrides: Partial<MonitorDefinition> = {}): MonitorDefinition {
  // A partial override keeps the discriminated union intact as long as `type` fits its settings.
  return {
    type: "http",
    http: { method: "GET", headers: {}, followRedirects: true, maxRedirects: 5, verifyTls: true },
    name: "test monitor",
    target: "http://127.0.0.1:9/",
    intervalSeconds: 60,
    timeoutMs: 5_000,
    regions: ["local"],
    assertions: [],
    failuresBeforeDown: 1,
    successesBeforeUp: 1,
    tags: [],
    description: null,
    runbookUrl: null,
    ...overrides,
  } as MonitorDefinition;
}
