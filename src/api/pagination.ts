import { z } from "zod";

export const MAX_PAGE_SIZE = 200;

export const Cursor = z.string().max(100).optional().meta({ description: "nextCursor of the previous page" });

export function pageSize(def: number, max = MAX_PAGE_SIZE) {
  return z.coerce.number().int().min(1).max(max).default(def);
}

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
