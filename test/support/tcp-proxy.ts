import net from "node:net";

/**
 * A TCP proxy on 127.0.0.1 that a test can cut and restore, to take a real server (PostgreSQL)
 * away from Upblit without touching the server itself.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  async start(port = 0): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.upstreamPort, "127.0.0.1");
      for (const [s, peer] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(s);
        // One side gone (even by a reset, which `pipe` does not pass on) closes the other, as a
        // direct connection would: PostgreSQL then ends a killed process's session.
        s.on("close", () => {
          this.sockets.delete(s);
          peer.destroy();
        });
        s.on("error", () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** Drops every connection and refuses new ones. */
  async cut(): Promise<void> {
    if (!this.server?.listening) return;
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async restore(): Promise<void> {
    if (!this.server?.listening) await this.start(this.port);
  }

  async stop(): Promise<void> {
    await this.cut().catch(() => {});
  }
}
