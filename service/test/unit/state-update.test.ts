import { expect } from 'chai';
import { applyUpdate, INITIAL_STATE, stateUpdateSchema } from '../../src/domain/state-update.ts';

describe('state updates', () => {
  it('accepts counter, message or both', () => {
    expect(stateUpdateSchema.safeParse({ counter: 3 }).success).to.equal(true);
    expect(stateUpdateSchema.safeParse({ message: 'hi' }).success).to.equal(true);
    expect(stateUpdateSchema.safeParse({ counter: -2, message: '' }).success).to.equal(true);
  });

  for (const [label, body] of [
    ['an empty object', {}],
    ['a fractional counter', { counter: 1.5 }],
    ['a counter beyond safe integers', { counter: 2 ** 60 }],
    ['a string counter', { counter: '1' }],
    ['a non-string message', { message: 5 }],
    ['a too long message', { message: 'x'.repeat(1001) }],
    ['unknown fields', { counter: 1, admin: true }],
    ['an array', [1]],
    ['null', null],
  ] as const) {
    it(`rejects ${label}`, () => expect(stateUpdateSchema.safeParse(body).success).to.equal(false));
  }

  it('keeps what the update does not change and bumps the version', () => {
    const now = new Date('2026-01-02T03:04:05.000Z');
    const first = applyUpdate(INITIAL_STATE, { counter: 7 }, now);
    expect(first).to.deep.equal({
      counter: 7,
      message: '',
      updated_at: now.toISOString(),
      version: 1,
    });
    expect(applyUpdate(first, { message: 'hi' }, now)).to.include({
      counter: 7,
      message: 'hi',
      version: 2,
    });
  });
});
