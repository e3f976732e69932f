import { describe, expect, it } from "vitest";
import { sampleMessage } from "../../test/alerts.ts";
import type { AlertMessage } from "./types.ts";
import { summaryLines, titleOf } from "./wording.ts";

/** How a certificate expiry warning reads on every channel that uses the shared wording. */
describe("certificate warning wording", () => {
  const warning = (certificate: NonNullable<AlertMessage["certificate"]>) =>
    sampleMessage({
      event: "certificate",
      state: "up",
      previousState: "up",
      incident: null,
      cause: null,
      acknowledgeUrl: null,
      certificate,
    });
  const notAfter = "2026-12-04T08:00:00.000Z";

  it("names the certificate, the days left, the date and the threshold crossed", () => {
    const message = warning({ daysLeft: 12, notAfter, subject: "shop.example.com", threshold: 14 });
    expect(titleOf(message)).toBe("📜 CERTIFICATE EXPIRING: Checkout API");
    expect(summaryLines(message)).toEqual([
      "The certificate for shop.example.com (Checkout API) expires in 12 days, on 2026-12-04 08:00:00 UTC (warning at 14 days).",
      "Monitor: http https://shop.example.com/health",
      "Organization: Acme",
    ]);
  });

  it("words one day, today, and an expired certificate; without a subject it names the monitor", () => {
    const first = (c: NonNullable<AlertMessage["certificate"]>) => summaryLines(warning(c))[0];
    expect(first({ daysLeft: 1, notAfter, threshold: 1 })).toBe(
      "The certificate for Checkout API expires in 1 day, on 2026-12-04 08:00:00 UTC (warning at 1 day).",
    );
    expect(first({ daysLeft: 0, notAfter, threshold: 7 })).toBe(
      "The certificate for Checkout API expires today, on 2026-12-04 08:00:00 UTC (warning at 7 days).",
    );
    expect(first({ daysLeft: -3, notAfter, subject: "old.example.com", threshold: 7 })).toBe(
      "The certificate for old.example.com (Checkout API) expired 3 days ago, on 2026-12-04 08:00:00 UTC (warning at 7 days).",
    );
  });
});
