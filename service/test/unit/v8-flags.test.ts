import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { V8_FLAGS } from '../../src/v8-flags.ts';

describe('V8 flags of the service process', () => {
  it('main.ts imports them before any other module (ES modules run in import order)', () => {
    const main = readFileSync(new URL('../../src/main.ts', import.meta.url), 'utf8');
    const imports = [...main.matchAll(/^import\s[^;]*?['"]([^'"]+)['"];?$/gms)].map((m) => m[1]);
    expect(imports[0]).to.equal('./v8-flags.ts');
  });

  it('the image runs the same command as npm start, with the young generation pinned', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      scripts: { start: string };
    };
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(cmd, 'the Dockerfile has an exec-form CMD').to.be.a('string');
    expect(JSON.parse(cmd!)).to.deep.equal(pkg.scripts.start.split(' '));
    expect(pkg.scripts.start.split(' ')).to.include('--max-semi-space-size=16');
  });

  it('turns allocation-site pretenuring off (the GC stall behind the half-rate p99)', () => {
    expect(V8_FLAGS).to.include('--no-allocation-site-pretenuring');
  });
});
