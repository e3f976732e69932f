/**
 * The real servers the network types' API test checks (not a test file itself): each started on
 * loopback by the test, or a responder on this machine's NATS server.
 */
import { type NatsResponder, startNatsResponder } from "./nats/responder.test-support.ts";

export interface NetworkFixtures {
  natsSubject: string;
  close(): Promise<void>;
}

export async function startNetworkFixtures(): Promise<NetworkFixtures> {
  const natsSubject = `upblit.api-test.${process.pid}-${Date.now()}`;
  const responder: NatsResponder = await startNatsResponder(natsSubject);
  return {
    natsSubject,
    close: async () => {
      responder.close();
    },
  };
}
