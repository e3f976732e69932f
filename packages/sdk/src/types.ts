import type { operations } from "./schema.ts";

/** Every operation's name (its OpenAPI operationId). */
export type OperationId = keyof operations;
type Op<K extends OperationId> = operations[K];
type Params<K extends OperationId> = Op<K>["parameters"];
type Defined<T> = [T] extends [never] ? never : Exclude<T, undefined>;

export type PathParams<K extends OperationId> = Defined<Params<K> extends { path?: infer P } ? P : never>;
export type QueryParams<K extends OperationId> = Defined<Params<K> extends { query?: infer Q } ? Q : never>;
export type RequestBody<K extends OperationId> =
  Op<K> extends {
    requestBody?: { content: { "application/json": infer B } };
  }
    ? B
    : never;

type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : undefined;
type Responses<K extends OperationId> = Op<K>["responses"];
/** What an operation answers on success (the JSON of its 200, 201 or 202; undefined for 204). */
export type Result<K extends OperationId> =
  Responses<K> extends { 200: infer R }
    ? R extends { content: { "application/json": unknown } }
      ? JsonOf<R>
      : string
    : Responses<K> extends { 201: infer R }
      ? JsonOf<R>
      : Responses<K> extends { 202: infer R }
        ? JsonOf<R>
        : undefined;

/** The input of one call; `path` is required where the operation has path parameters. */
export type Input<K extends OperationId> = ([PathParams<K>] extends [never]
  ? { path?: undefined }
  : { path: PathParams<K> }) & {
  query?: [QueryParams<K>] extends [never] ? undefined : QueryParams<K>;
  body?: [RequestBody<K>] extends [never] ? undefined : RequestBody<K>;
  /** POSTs send a fresh `Idempotency-Key` unless given one here, or `false` for none. */
  idempotencyKey?: string | false;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

/** Operations that answer `{ items, nextCursor }` and take a `cursor`. */
export type PagedOperationId = {
  [K in OperationId]: Result<K> extends { items: unknown[]; nextCursor: string | null } ? K : never;
}[OperationId];
export type Item<K extends PagedOperationId> = Result<K> extends { items: Array<infer T> } ? T : never;

/** Calls every operation by name: `client.op.getMonitor({ path: { id } })`. */
export type Operations = {
  [K in OperationId]: [PathParams<K>] extends [never]
    ? (input?: Input<K>) => Promise<Result<K>>
    : (input: Input<K>) => Promise<Result<K>>;
};
