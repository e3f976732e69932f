import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { CHANNEL_ADAPTERS } from "./index.ts";

describe("the addresses each channel kind connects to", () => {
  it.each([...CHANNEL_ADAPTERS.values()])("$kind names settings its schemas have", (adapter) => {
    for (const dial of adapter.dials) {
      const schema = (dial.in === "config" ? adapter.config : adapter.secrets) as z.ZodObject;
      expect(Object.keys(schema.shape), `${adapter.kind} ${dial.in}.${dial.key}`).toContain(dial.key);
    }
    // Only email has no address of its own: it goes through the operator's SMTP server.
    expect(adapter.dials.length > 0).toBe(adapter.kind !== "email");
  });
});
