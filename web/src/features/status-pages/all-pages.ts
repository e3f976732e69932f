/** One page of a cursor-paged list, as the API returns it. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Reads a cursor-paged list to its end, page after page (each page needs the previous one's
 * cursor). Stops if the server ever hands back a cursor it already gave, so a broken cursor can
 * never loop forever.
 */
export async function readAllPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    if (cursor !== undefined) {
      if (seen.has(cursor)) break;
      seen.add(cursor);
    }
  } while (cursor !== undefined);
  return items;
}
