import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Monitor dependencies and certificate expiry warnings (issue 4).
 * - `monitor_dependencies`: a monitor's parents. While a parent is down (or itself affected), the
 *   monitor's failures make it `affected` instead of `down`. Deleting either side removes the edge.
 * - `incident_dependents`: the monitors that went `affected` while a parent's incident was open,
 *   kept after they recover, so the incident shows the storm it caused.
 * - `monitors.cert_expiry_days`: warning thresholds in days; null means the server's default.
 * - `certificate_warnings`: which thresholds were already warned for which certificate of a
 *   monitor, so each is sent once; a renewed certificate has another id and starts over.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE monitor_dependencies (
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      parent_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      PRIMARY KEY (monitor_id, parent_id),
      CHECK (monitor_id <> parent_id)
    );
    CREATE INDEX monitor_dependencies_parent ON monitor_dependencies (parent_id);

    CREATE TABLE incident_dependents (
      incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      -- When the dependent went affected.
      since timestamptz NOT NULL,
      PRIMARY KEY (incident_id, monitor_id)
    );
    CREATE INDEX incident_dependents_monitor ON incident_dependents (monitor_id);

    ALTER TABLE monitors ADD COLUMN cert_expiry_days integer[];

    CREATE TABLE certificate_warnings (
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      -- The certificate's SHA-256 fingerprint (or its expiry and subject when none was read).
      certificate text NOT NULL,
      threshold integer NOT NULL,
      days_left integer NOT NULL,
      not_after timestamptz NOT NULL,
      warned_at timestamptz NOT NULL,
      PRIMARY KEY (monitor_id, certificate, threshold)
    );
    `,
  );
}
