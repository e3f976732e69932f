/**
 * @upblit/sdk: a typed client of the Upblit API, generated from its OpenAPI document
 * (schema.ts, operations.ts) plus this thin layer. See packages/sdk/README.md.
 */
export { Upblit, type UpblitOptions } from "./client.ts";
export { OPERATIONS } from "./operations.ts";
export { type FieldError, type ProblemBody, UpblitProblem } from "./problem.ts";
export type { components, operations, paths } from "./schema.ts";
export type { LiveEvent, LiveEventsOptions } from "./sse.ts";
export type { Input, Item, OperationId, PagedOperationId, Result } from "./types.ts";
