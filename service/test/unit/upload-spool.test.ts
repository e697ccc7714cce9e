import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { expect } from 'chai';
import {
  spoolSpaceProblem,
  UploadSpool,
  UploadSpoolFullError,
} from '../../src/uploads/upload-spool.ts';

/** Writes the chunks in order; resolves with the error the stream emitted, if any. */
async function writeAll(stream: Writable, chunks: Buffer[]): Promise<unknown> {
  let emitted: unknown;
  stream.once('error', (err) => (emitted = err));
  try {
    for (const chunk of chunks) {
      await new Promise<void>((resolve, reject) =>
        stream.write(chunk, (err) => {
          err ? reject(err) : resolve();
        }),
      );
    }
    stream.end();
    await finished(stream);
  } catch {
    // The 'error' event carries the cause.
  }
  // 'error' comes once the stream is torn down (its file closed).
  if (!stream.closed) await new Promise((resolve) => stream.once('close', resolve));
  return emitted;
}

describe('UploadSpool', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spool-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('charges written bytes while the file exists, and gives them back when it is removed', async () => {
    const spool = new UploadSpool(100);
    const session = spool.session();
    const path = join(dir, 'a');
    expect(await writeAll(session.writer(path), [Buffer.alloc(30, 1), Buffer.alloc(20, 2)])).to.be
      .undefined;
    expect(spool.usedBytes).to.equal(50);
    expect(await readFile(path)).to.have.length(50);
    expect(session.failure()).to.equal(undefined);
    await session.dispose();
    expect(spool.usedBytes).to.equal(0);
    expect(await readdir(dir)).to.deep.equal([]);
    await session.dispose();
    expect(spool.usedBytes).to.equal(0);
  });

  it('fails the write that would go over the budget, and leaves nothing behind', async () => {
    const spool = new UploadSpool(100);
    const session = spool.session();
    const err = await writeAll(session.writer(join(dir, 'big')), [
      Buffer.alloc(60),
      Buffer.alloc(60),
    ]);
    expect(err).to.be.instanceOf(UploadSpoolFullError);
    expect(session.failure()).to.equal(err);
    expect(spool.usedBytes).to.equal(60);
    await session.dispose();
    expect(spool.usedBytes).to.equal(0);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('shares one budget between requests: what one holds, another cannot take until it is freed', async () => {
    const spool = new UploadSpool(100);
    const first = spool.session();
    const second = spool.session();
    expect(await writeAll(first.writer(join(dir, '1')), [Buffer.alloc(70)])).to.be.undefined;
    const refused = await writeAll(second.writer(join(dir, '2')), [Buffer.alloc(31)]);
    expect(refused).to.be.instanceOf(UploadSpoolFullError);
    await second.dispose();
    await first.dispose();
    const third = spool.session();
    expect(await writeAll(third.writer(join(dir, '3')), [Buffer.alloc(100)])).to.be.undefined;
    expect(spool.usedBytes).to.equal(100);
    await third.dispose();
    expect(spool.usedBytes).to.equal(0);
  });

  it('frees a writer stopped in the middle (the request failed before the body ended)', async () => {
    const spool = new UploadSpool(100);
    const session = spool.session();
    const writer = session.writer(join(dir, 'partial'));
    await new Promise<void>((resolve, reject) =>
      writer.write(Buffer.alloc(40), (err) => {
        err ? reject(err) : resolve();
      }),
    );
    expect(spool.usedBytes).to.equal(40);
    await session.dispose();
    expect(writer.destroyed).to.equal(true);
    expect(spool.usedBytes).to.equal(0);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('never writes over or removes a file it did not create', async () => {
    const spool = new UploadSpool(100);
    const session = spool.session();
    const path = join(dir, 'existing');
    await writeFile(path, 'keep');
    const err = await writeAll(session.writer(path), [Buffer.alloc(10)]);
    expect((err as NodeJS.ErrnoException).code).to.equal('EEXIST');
    await session.dispose();
    expect(await readFile(path, 'utf8')).to.equal('keep');
    expect(spool.usedBytes).to.equal(0);
  });
});

describe('spoolSpaceProblem', () => {
  it('is silent when the directory has room for the budget, and names both figures when not', async () => {
    expect(await spoolSpaceProblem(tmpdir(), 1024)).to.equal(undefined);
    const problem = await spoolSpaceProblem(tmpdir(), Number.MAX_SAFE_INTEGER);
    expect(problem).to.match(
      new RegExp(
        `has \\d+ bytes free, less than UPLOAD_TMP_MAX_BYTES \\(${Number.MAX_SAFE_INTEGER}\\)`,
      ),
    );
  });
});
