// The parts of `make browser-check` that need no browser (verify/src/browser): the avatar PNG
// decodes to the frame-and-centre picture the browser's rendering is compared with, the colour
// comparison allows only its tolerance, and the assertions print one ok/FAIL line each.
import { expect } from 'chai';
import { PNG } from 'pngjs';
import {
  AVATAR,
  avatarPng,
  CENTRE,
  FRAME,
  rgb,
  sameColour,
} from '../../src/browser/avatar-image.ts';
import { Checks, Stopped } from '../../src/browser/checks.ts';

describe('browser-check parts', () => {
  it('the avatar PNG decodes to its size, a framed centre of the two colours', () => {
    const png = PNG.sync.read(avatarPng(AVATAR.width, AVATAR.height));
    expect([png.width, png.height]).to.deep.equal([AVATAR.width, AVATAR.height]);
    const pixel = (x: number, y: number) => {
      const i = (y * png.width + x) * 4;
      return [...png.data.subarray(i, i + 3)];
    };
    expect(pixel(0, 0)).to.deep.equal(FRAME);
    expect(pixel(AVATAR.width - 1, AVATAR.height - 1)).to.deep.equal(FRAME);
    expect(pixel(AVATAR.width / 2, AVATAR.height / 2)).to.deep.equal(CENTRE);
  });

  it('compares colours within the tolerance only', () => {
    expect(sameColour([0x1e + 2, 0x88 - 2, 0xe5], FRAME)).to.be.true;
    expect(sameColour([0x1e + 3, 0x88, 0xe5], FRAME)).to.be.false;
    expect(sameColour([], FRAME)).to.be.false;
    expect(rgb(FRAME)).to.equal('rgb(30,136,229)');
  });

  it('prints one line per assertion, the detail on failure only, and counts them', () => {
    const lines: string[] = [];
    const checks: Checks = new Checks((line) => lines.push(line));
    expect(checks.check(true, 'first', 'unseen')).to.be.true;
    expect(checks.check(false, 'second', 'why')).to.be.false;
    expect(() => {
      checks.must(false, 'third');
    }).to.throw(Stopped);
    expect(lines).to.deep.equal(['ok first', 'FAIL second (why)', 'FAIL third']);
    expect(checks.summary()).to.equal('browser-check: 1 passed, 2 failed');
  });
});
