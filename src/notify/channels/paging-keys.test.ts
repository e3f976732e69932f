import { describe, expect, it } from "vitest";
import { sampleMessage } from "../../test/alerts.ts";
import { certificateKeyOf, incidentKeyOf, pagingKeyOf } from "./paging-keys.ts";

const certificate = { daysLeft: 5, notAfter: "2026-11-27T00:00:00.000Z", threshold: 7 };

describe("paging keys", () => {
  it("keys incidents by the incident, else the monitor, with drills and tests apart", () => {
    expect(incidentKeyOf(sampleMessage(), 255)).toBe("inc_01jdx0000000000000000000000");
    expect(incidentKeyOf(sampleMessage({ incident: null }), 255)).toBe("mon_01jdx0000000000000000000000");
    expect(incidentKeyOf(sampleMessage({ drill: true }), 255)).toBe("drill-inc_01jdx0000000000000000000000");
    expect(incidentKeyOf(sampleMessage({ event: "test", incident: null }), 255)).toBe(
      "drill-mon_01jdx0000000000000000000000",
    );
  });

  it("keys certificate warnings by monitor and expiry, whatever incident the message names", () => {
    const warning = sampleMessage({ event: "certificate", certificate });
    const key = "cert-mon_01jdx0000000000000000000000-2026-11-27T00:00:00.000Z";
    expect(pagingKeyOf(warning, 255)).toBe(key);
    expect(pagingKeyOf({ ...warning, incident: null }, 255)).toBe(key);
    expect(pagingKeyOf({ ...warning, drill: true }, 255)).toBe(`drill-${key}`);
    expect(pagingKeyOf(sampleMessage({ event: "acknowledged" }), 255)).toBe(
      "inc_01jdx0000000000000000000000",
    );
  });

  it("stays within the service's limit", () => {
    const long = sampleMessage({
      event: "certificate",
      certificate,
      monitor: { ...sampleMessage().monitor, id: "m".repeat(600) },
    });
    expect(certificateKeyOf(long, 255)).toHaveLength(255);
    expect(incidentKeyOf({ ...long, incident: null }, 512)).toHaveLength(512);
  });
});
