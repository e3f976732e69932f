/**
 * A local RDAP server (not a test file itself): the outside world's registries are not reachable
 * here, so the test serves RFC 9083 domain answers from loopback.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const DAY_MS = 86_400_000;

export interface RdapServer {
  base: string;
  /** Requests served so far, by path. */
  paths: string[];
  close(): Promise<void>;
}

/** Domains it knows, with the days until their expiry; any other name answers 404. */
export async function startRdapServer(domains: Record<string, number | null>): Promise<RdapServer> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? "");
    const name = /^\/domain\/(.+)$/.exec(req.url ?? "")?.[1];
    const days = name === undefined ? undefined : domains[name];
    if (name === undefined || days === undefined) {
      res.writeHead(404, { "content-type": "application/rdap+json" }).end(JSON.stringify({ errorCode: 404 }));
      return;
    }
    const events = [{ eventAction: "registration", eventDate: "2001-02-03T04:05:06Z" }];
    if (days !== null)
      events.push({
        eventAction: "expiration",
        eventDate: new Date(Date.now() + days * DAY_MS + 3_600_000).toISOString(),
      });
    res.writeHead(200, { "content-type": "application/rdap+json" }).end(
      JSON.stringify({
        objectClassName: "domain",
        ldhName: name,
        status: ["client transfer prohibited", "active"],
        events,
        entities: [
          {
            objectClassName: "entity",
            roles: ["registrar"],
            vcardArray: [
              "vcard",
              [
                ["version", {}, "text", "4.0"],
                ["fn", {}, "text", "Example Registrar, Inc."],
              ],
            ],
          },
        ],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
