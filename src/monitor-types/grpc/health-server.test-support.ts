/** A real gRPC server with the standard health service, for the tests (not a test file itself). */
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from "@grpc/grpc-js";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  HEALTH_CHECK_PATH,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type ServingStatus,
} from "./health-codec.ts";

const HEALTH_SERVICE: ServiceDefinition = {
  Check: {
    path: HEALTH_CHECK_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeRequest,
    requestDeserialize: decodeRequest,
    responseSerialize: encodeResponse,
    responseDeserialize: decodeResponse,
  },
};

export interface HealthServer {
  port: number;
  /** Service name → status; a name not listed answers NOT_FOUND, as the protocol says. */
  statuses: Map<string, ServingStatus>;
  /** Requests answered so far. */
  calls(): number;
  close(): Promise<void>;
}

export async function startHealthServer(tls?: { key: string; cert: string }): Promise<HealthServer> {
  const statuses = new Map<string, ServingStatus>([["", "SERVING"]]);
  let calls = 0;
  const server = new Server();
  server.addService(HEALTH_SERVICE, {
    Check(
      call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>,
      callback: sendUnaryData<HealthCheckResponse>,
    ) {
      calls++;
      const status = statuses.get(call.request.service);
      if (status) callback(null, { status });
      else callback({ code: 5, details: "unknown service" });
    },
  });
  const credentials = tls
    ? ServerCredentials.createSsl(null, [
        { private_key: Buffer.from(tls.key), cert_chain: Buffer.from(tls.cert) },
      ])
    : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", credentials, (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    statuses,
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
