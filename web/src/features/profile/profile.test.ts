import { describe, expect, it } from "vitest";
import { deviceName } from "./device.ts";
import { qrPath } from "./qr-code.tsx";

describe("deviceName", () => {
  it("names common browsers and systems, and leaves other agents as they are", () => {
    expect(deviceName("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")).toBe(
      "Firefox on Linux",
    );
    expect(
      deviceName(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
      ),
    ).toBe("Safari on macOS");
    expect(deviceName("curl/8.5.0")).toBe("curl");
    expect(deviceName("node")).toBe("node");
    expect(deviceName(null)).toBeNull();
  });
});

describe("qrPath", () => {
  it("draws a QR code of the otpauth URI: a square with the three finder patterns", () => {
    const { size, d } = qrPath(
      "otpauth://totp/Upblit:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Upblit",
    );
    // Versions are 21 + 4k modules wide; the border adds 2 on each side.
    expect((size - 4 - 21) % 4).toBe(0);
    const dark = new Set(d.match(/M\d+ \d+/g));
    // Each finder's corner module is dark: top left, top right, bottom left (inside the border).
    for (const [x, y] of [
      [2, 2],
      [size - 3, 2],
      [2, size - 3],
    ]) {
      expect(dark.has(`M${x} ${y}`)).toBe(true);
    }
    // The light separator around the top-left finder, and the light border.
    expect(dark.has("M9 2")).toBe(false);
    expect(dark.has("M2 9")).toBe(false);
    expect(dark.has("M0 0")).toBe(false);
  });
});
