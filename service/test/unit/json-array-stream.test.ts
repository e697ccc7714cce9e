import { expect } from 'chai';
import { openJsonArray } from '../../src/http/json-array-stream.ts';

async function* pagesOf<T>(pages: T[][], failAfter = Infinity): AsyncGenerator<T[]> {
  let given = 0;
  for (const page of pages) {
    // Each page arrives in a later turn of the event loop, as a network read would.
    await new Promise((resolve) => setImmediate(resolve));
    if (given++ >= failAfter) throw new Error('source failed');
    yield page;
  }
}

const present = (n: number) => Promise.resolve({ n, label: `#${n}` });

async function text(chunks: AsyncIterable<string>): Promise<{ text: string; count: number }> {
  let all = '';
  let count = 0;
  for await (const chunk of chunks) {
    all += chunk;
    count++;
  }
  return { text: all, count };
}

describe('JSON array stream', () => {
  for (const pages of [
    [],
    [[1]],
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    [[1, 2], [], [3, 4, 5, 6, 7]],
  ]) {
    it(`writes the bytes of JSON.stringify for pages ${JSON.stringify(pages)}`, async () => {
      const items = await Promise.all(pages.flat().map(present));
      const { text: written } = await text(await openJsonArray(pagesOf(pages), present, 2));
      expect(written).to.equal(JSON.stringify(items));
    });
  }

  it('presents at most batchSize items at once and writes each batch as one chunk', async () => {
    let inFlight = 0;
    let most = 0;
    const counted = async (n: number) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return n;
    };
    const pages = [Array.from({ length: 10 }, (_, i) => i), [10, 11, 12]];
    const { count } = await text(await openJsonArray(pagesOf(pages), counted, 4));
    expect(most).to.equal(4);
    // "[" with the first batch, 2 more batches of page 1, 1 of page 2, then "]".
    expect(count).to.equal(5);
  });

  it('rejects before the first chunk when the first page fails', async () => {
    const failure = await openJsonArray(pagesOf([[1]], 0), present, 2).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).to.be.instanceOf(Error).with.property('message', 'source failed');
  });

  it('throws mid-stream, after the chunks written so far, when a later page fails', async () => {
    const chunks = await openJsonArray(pagesOf([[1, 2], [3]], 1), present, 2);
    const written: string[] = [];
    const failure = await (async () => {
      for await (const chunk of chunks) written.push(chunk);
    })().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).to.be.instanceOf(Error).with.property('message', 'source failed');
    expect(written.join('')).to.equal('[{"n":1,"label":"#1"},{"n":2,"label":"#2"}');
  });
});
