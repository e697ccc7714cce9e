// A JSON array written while it is produced: the items come a page at a time, each batch is
// presented and written as one chunk, so what a listing holds is a page or two, whatever the
// length of the list. The bytes are those of JSON.stringify(array).
//
// Only the first page is read, and its first batch presented, before the answer is committed: a
// failure there is still an error status. A source that fails later makes the stream error; Koa's
// pipeline then destroys the response, so the client sees the chunked body end without its final
// chunk (and the array without its closing bracket), never a valid-looking short list.

type Present<T, U> = (item: T) => Promise<U>;

async function batchText<T, U>(items: T[], present: Present<T, U>): Promise<string> {
  const presented = await Promise.all(items.map(present));
  return presented.map((item) => JSON.stringify(item)).join(',');
}

/** The next page, requested now and awaited later; a failure is kept for the await. */
function readAhead<T>(pages: AsyncIterator<T[]>): Promise<IteratorResult<T[]>> {
  const next = pages.next();
  next.catch(() => undefined);
  return next;
}

/**
 * Reads the first page and presents its first batch, then returns the array as text chunks. One
 * page is read ahead while the current one is presented and written; at most batchSize items are
 * presented at once.
 */
export async function openJsonArray<T, U>(
  pages: AsyncIterator<T[]>,
  present: Present<T, U>,
  batchSize: number,
): Promise<AsyncGenerator<string>> {
  const first = await pages.next();
  const items = first.done ? [] : first.value;
  const next = first.done ? undefined : readAhead(pages);
  const head = await batchText(items.slice(0, batchSize), present);
  return chunks(pages, present, batchSize, { items, head, next });
}

async function* chunks<T, U>(
  pages: AsyncIterator<T[]>,
  present: Present<T, U>,
  batchSize: number,
  start: { items: T[]; head: string; next: Promise<IteratorResult<T[]>> | undefined },
): AsyncGenerator<string> {
  yield `[${start.head}`;
  let separator = start.items.length > 0 ? ',' : '';
  let items = start.items;
  let offset = batchSize;
  let next = start.next;
  while (next) {
    for (; offset < items.length; offset += batchSize) {
      const text = await batchText(items.slice(offset, offset + batchSize), present);
      yield separator + text;
      separator = ',';
    }
    const page = await next;
    if (page.done) break;
    items = page.value;
    offset = 0;
    next = readAhead(pages);
  }
  yield ']';
}
