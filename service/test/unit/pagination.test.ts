import { expect } from 'chai';
import { HttpError } from '../../src/http/errors.ts';
import { decodeCursor, encodeCursor, parseLimit } from '../../src/http/pagination.ts';

const status = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return err instanceof HttpError ? err.status : -1;
  }
  return 0;
};

describe('pagination', () => {
  it('accepts limits from 1 to 100 and applies the fallback', () => {
    expect(parseLimit('1', undefined)).to.equal(1);
    expect(parseLimit('100', undefined)).to.equal(100);
    expect(parseLimit(undefined, 20)).to.equal(20);
  });

  for (const bad of ['0', '101', '-1', '1.5', 'ten', '', '0001']) {
    it(`rejects limit=${bad}`, () =>
      expect(status(() => parseLimit(bad, undefined))).to.equal(400));
  }

  it('rejects repeated limits', () => {
    expect(status(() => parseLimit(['1', '2'], undefined))).to.equal(400);
  });

  it('round-trips cursors and rejects tampered ones', () => {
    const cursor = encodeCursor({ email: 'a@b.co' });
    expect(decodeCursor(cursor, ['email'])).to.deep.equal({ email: 'a@b.co' });
    expect(decodeCursor(undefined, ['email'])).to.equal(undefined);
    expect(status(() => decodeCursor(cursor, ['pk', 'sk']))).to.equal(400);
    expect(status(() => decodeCursor('!!', ['email']))).to.equal(400);
    expect(
      status(() => decodeCursor(Buffer.from('[1]').toString('base64url'), ['email'])),
    ).to.equal(400);
    expect(
      status(() => decodeCursor(encodeCursor({ email: 'x', extra: 'y' }), ['email'])),
    ).to.equal(400);
    expect(
      status(() => decodeCursor(Buffer.from('{"email":1}').toString('base64url'), ['email'])),
    ).to.equal(400);
  });
});
