import { expect } from 'chai';
import { HttpError } from '../../src/http/errors.ts';
import { cursorParam, parseLimit } from '../../src/http/pagination.ts';

const status = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return err instanceof HttpError ? err.status : -1;
  }
  return 0;
};

describe('pagination parameters', () => {
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

  it('passes a cursor on as the opaque string it is; a repeated one is a 400', () => {
    expect(cursorParam(undefined)).to.equal(undefined);
    expect(cursorParam('anything')).to.equal('anything');
    expect(cursorParam('')).to.equal('');
    expect(status(() => cursorParam(['a', 'b']))).to.equal(400);
  });
});
