import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { V8_FLAGS } from '../../src/v8-flags.ts';

describe('V8 flags of the service process', () => {
  it('main.ts imports them before any other module (ES modules run in import order)', () => {
    const main = readFileSync(new URL('../../src/main.ts', import.meta.url), 'utf8');
    const imports = [...main.matchAll(/^import\s[^;]*?['"]([^'"]+)['"];?$/gms)].map((m) => m[1]);
    expect(imports[0]).to.equal('./v8-flags.ts');
  });

  it('turns allocation-site pretenuring off (the GC stall behind the half-rate p99)', () => {
    expect(V8_FLAGS).to.include('--no-allocation-site-pretenuring');
  });
});
