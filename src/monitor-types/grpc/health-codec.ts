/**
 * The two messages of the standard gRPC health protocol (grpc/health/v1/health.proto), encoded by
 * hand: a string field and an enum field do not need a protobuf library.
 *   HealthCheckRequest  { string service = 1; }
 *   HealthCheckResponse { ServingStatus status = 1; }  UNKNOWN 0, SERVING 1, NOT_SERVING 2, SERVICE_UNKNOWN 3
 */
export const HEALTH_CHECK_PATH = "/grpc.health.v1.Health/Check";

export const SERVING_STATUSES = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"] as const;
export type ServingStatus = (typeof SERVING_STATUSES)[number];

export interface HealthCheckRequest {
  service: string;
}

export interface HealthCheckResponse {
  status: ServingStatus;
}

export function encodeRequest(request: HealthCheckRequest): Buffer {
  const service = Buffer.from(request.service, "utf8");
  if (service.length === 0) return Buffer.alloc(0);
  return Buffer.concat([Buffer.from([0x0a]), varint(service.length), service]);
}

export function decodeRequest(bytes: Buffer): HealthCheckRequest {
  let service = "";
  readFields(bytes, (field, wire, value) => {
    if (field === 1 && wire === 2 && Buffer.isBuffer(value)) service = value.toString("utf8");
  });
  return { service };
}

export function encodeResponse(response: HealthCheckResponse): Buffer {
  const status = SERVING_STATUSES.indexOf(response.status);
  return status === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x08]), varint(status)]);
}

/** Unknown fields are skipped; an unknown status number reads as UNKNOWN. */
export function decodeResponse(bytes: Buffer): HealthCheckResponse {
  let status: ServingStatus = "UNKNOWN";
  readFields(bytes, (field, wire, value) => {
    if (field === 1 && wire === 0 && typeof value === "number") status = SERVING_STATUSES[value] ?? "UNKNOWN";
  });
  return { status };
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

function readVarint(bytes: Buffer, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  throw new Error("malformed protobuf varint");
}

function readFields(
  bytes: Buffer,
  visit: (field: number, wire: number, value: number | Buffer) => void,
): void {
  let at = 0;
  while (at < bytes.length) {
    const [key, next] = readVarint(bytes, at);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      const [value, after] = readVarint(bytes, next);
      visit(field, wire, value);
      at = after;
    } else if (wire === 2) {
      const [length, start] = readVarint(bytes, next);
      if (start + length > bytes.length) throw new Error("malformed protobuf length");
      visit(field, wire, bytes.subarray(start, start + length));
      at = start + length;
    } else if (wire === 1 || wire === 5) {
      at = next + (wire === 1 ? 8 : 4);
    } else {
      throw new Error("malformed protobuf wire type");
    }
  }
}
