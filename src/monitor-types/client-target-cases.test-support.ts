/**
 * The cases every client-check type must pass (not a test file itself): the target rules, the
 * deadline against a silent server, a closed port. Call it inside a test file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLOCKED_MESSAGE } from "../probe/probe-error.ts";
import type { ProbeOptions } from "../probe/types.ts";
import type { ClientObservation } from "./client-check.ts";
import {
  closedPort,
  PRIVATE_OK,
  PUBLIC_ONLY,
  type SilentServer,
  startSilentServer,
} from "./client-servers.test-support.ts";

/** Runs the type's check at `target`; `timeoutMs` when given, else a generous one. */
export type ProbeAt = (
  target: string,
  options: ProbeOptions,
  timeoutMs?: number,
) => Promise<ClientObservation>;

export function describeTargetSafety(type: string, defaultPort: number, probeAt: ProbeAt): void {
  describe(`${type}: target safety and timeouts`, () => {
    let silent: SilentServer;
    beforeAll(async () => {
      silent = await startSilentServer();
    });
    afterAll(() => silent.close());

    it.each([
      `127.0.0.1:${defaultPort}`,
      `localhost:${defaultPort}`,
      "[::1]",
      "10.0.0.5",
      "[::ffff:127.0.0.1]",
    ])("refuses %s without the private-network opt-in", async (target) => {
      const obs = await probeAt(target, PUBLIC_ONLY);
      expect(obs.error).toEqual({ kind: "blocked", message: BLOCKED_MESSAGE });
      expect(obs.facts).toBeUndefined();
    });

    it("refuses a private address without the opt-in before connecting", async () => {
      const before = silent.accepted();
      const obs = await probeAt(`127.0.0.1:${silent.port}`, PUBLIC_ONLY);
      expect(obs.error?.kind).toBe("blocked");
      expect(silent.accepted()).toBe(before);
    });

    it.each(["169.254.169.254", "metadata.google.internal", "0.0.0.0"])(
      "refuses %s even with the opt-in",
      async (host) => {
        const obs = await probeAt(`${host}:${defaultPort}`, PRIVATE_OK);
        expect(obs.error?.kind).toBe("blocked");
      },
    );

    it("times out on a server that accepts and never answers", async () => {
      const before = silent.accepted();
      const obs = await probeAt(`127.0.0.1:${silent.port}`, PRIVATE_OK, 400);
      expect(obs.error?.kind).toBe("timeout");
      expect(silent.accepted()).toBeGreaterThan(before);
    });

    it("reports a closed port as refused", async () => {
      const obs = await probeAt(`127.0.0.1:${await closedPort()}`, PRIVATE_OK);
      expect(obs.error?.kind).toBe("refused");
    });

    it.each(["127.0.0.1:0", "127.0.0.1:70000", "host:port", "[127.0.0.1]:80"])(
      "rejects the malformed target %s",
      async (target) => {
        const obs = await probeAt(target, PRIVATE_OK);
        expect(obs.error?.kind).toBe("protocol");
      },
    );
  });
}
