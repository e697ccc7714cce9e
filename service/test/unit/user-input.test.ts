import { expect } from 'chai';
import { parseEmail, parseName } from '../../src/domain/user-input.ts';

describe('user input rules', () => {
  it('accepts and normalises a valid email', () => {
    expect(parseEmail('  Ada.Lovelace+kit@Example.COM ')).to.deep.equal({
      ok: true,
      value: 'ada.lovelace+kit@example.com',
    });
  });

  for (const bad of [
    '',
    'plain',
    'a@b',
    'a@@b.com',
    'a b@c.com',
    '.a@b.com',
    'a@-b.com',
    `${'a'.repeat(250)}@b.com`,
  ]) {
    it(`rejects the email ${JSON.stringify(bad.slice(0, 20))}`, () => {
      expect(parseEmail(bad).ok).to.equal(false);
    });
  }

  it('rejects a missing email or name as required', () => {
    expect(parseEmail(undefined)).to.deep.equal({ ok: false, problem: 'is required' });
    expect(parseName('   ')).to.deep.equal({ ok: false, problem: 'is required' });
  });

  it('trims names and counts characters, not bytes', () => {
    expect(parseName('  Ada  ')).to.deep.equal({ ok: true, value: 'Ada' });
    expect(parseName('é'.repeat(100)).ok).to.equal(true);
    expect(parseName('😀'.repeat(100)).ok).to.equal(true);
    expect(parseName('a'.repeat(101)).ok).to.equal(false);
  });

  it('rejects control characters in names', () => {
    expect(parseName('Ada\u0000').ok).to.equal(false);
    expect(parseName('Ada\nLovelace').ok).to.equal(false);
  });
});
