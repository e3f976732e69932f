import { Client } from "undici";

/**
 * One GET on a connection of its own, closed afterwards — what a check does, without the check.
 * The ceiling and the paced loop both count with it. Resolves true for a 200.
 */
export async function freshGet(origin: string, path: string): Promise<boolean> {
  const client = new Client(origin, { pipelining: 1, headersTimeout: 5_000, bodyTimeout: 5_000 });
  try {
    const res = await client.request({ path, method: "GET" });
    await res.body.text();
    return res.statusCode === 200;
  } catch {
    return false;
  } finally {
    await client.destroy().catch(() => {});
  }
}
