import { expect } from 'chai';
import { decodeKeyCursor, encodeKeyCursor, nextCursor } from '../../src/aws/key-cursor.ts';
import { InvalidCursorError } from '../../src/domain/paging.ts';

const refused = (cursor: string, fields: readonly string[]) => {
  try {
    decodeKeyCursor(cursor, fields);
  } catch (err) {
    return err instanceof InvalidCursorError;
  }
  return false;
};

const base64url = (text: string) => Buffer.from(text).toString('base64url');

describe('DynamoDB key cursors', () => {
  it('round-trips a key; a complete listing has no next cursor', () => {
    const cursor = encodeKeyCursor({ email: 'a@b.co' });
    expect(cursor).to.match(/^[A-Za-z0-9_-]+$/);
    expect(decodeKeyCursor(cursor, ['email'])).to.deep.equal({ email: 'a@b.co' });
    expect(nextCursor({ email: 'a@b.co' })).to.equal(cursor);
    expect(nextCursor(undefined)).to.equal(undefined);
  });

  it("refuses a cursor of another table's key, or with extra or non-string fields", () => {
    const cursor = encodeKeyCursor({ email: 'a@b.co' });
    expect(refused(cursor, ['pk', 'sk'])).to.equal(true);
    expect(refused(encodeKeyCursor({ email: 'x', extra: 'y' }), ['email'])).to.equal(true);
    expect(refused(base64url('{"email":1}'), ['email'])).to.equal(true);
  });

  it('refuses what is not a cursor at all, before decoding it', () => {
    for (const cursor of ['', '!!', '%%%', 'abc', base64url('[1]'), base64url('null')]) {
      expect(refused(cursor, ['email']), cursor).to.equal(true);
    }
    expect(refused('a'.repeat(2049), ['email'])).to.equal(true);
  });
});
