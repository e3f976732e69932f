import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import type { CheckSpec } from "../domain/monitor.ts";
import { httpSpec, PRIVATE_OK, startServer } from "../probe/fixtures.test-support.ts";
import { runProbe } from "./run.ts";

describe("runProbe", () => {
  it("dispatches http-like types to the HTTP client", async () => {
    const server = await startServer((_req, res) => res.end("fine"));
    try {
      const json: CheckSpec = {
        ...httpSpec(`${server.origin}/`),
        type: "json",
        json: { path: "$.ok", op: "exists" },
      };
      const obs = await runProbe(json, PRIVATE_OK);
      expect(obs.statusCode).toBe(200);
      expect(obs.body).toBe("fine");
    } finally {
      await server.close();
    }
  });

  it("dispatches tcp", async () => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const spec: CheckSpec = {
        type: "tcp",
        target: `127.0.0.1:${port}`,
        timeoutMs: 2_000,
        monitorId: "m",
        organizationId: "o",
        assertions: [],
      };
      const obs = await runProbe(spec, PRIVATE_OK);
      expect(obs.error).toBeUndefined();
      expect(obs.timings.connect).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("never throws, even for a spec it does not understand", async () => {
    const bogus = { ...httpSpec("http://127.0.0.1/"), type: "carrier-pigeon" } as unknown as CheckSpec;
    const obs = await runProbe(bogus, PRIVATE_OK);
    expect(obs.error?.kind).toBe("internal");
    const broken = { ...httpSpec("http://127.0.0.1/"), http: undefined } as unknown as CheckSpec;
    await expect(runProbe(broken, PRIVATE_OK)).resolves.toMatchObject({ error: { kind: "internal" } });
  });
});
