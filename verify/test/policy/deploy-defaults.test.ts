// The env contract's defaults as .env-example, the Helm chart and docker-compose.yml state them:
// each must agree with the service's own defaults, and /tmp must hold the upload budget.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { loadConfig } from '../../../service/src/config.ts';
import { REPO_ROOT } from '../../../service/test/support/versions.ts';

const read = (path: string) => readFileSync(new URL(path, REPO_ROOT), 'utf8');

function envExample(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of read('.env-example').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

/** awsConnectTimeoutMs -> AWS_CONNECT_TIMEOUT_MS */
const envName = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

const MIB = 1024 * 1024;

/** docker/tmpfs size: bytes, or a number with a k/m/g suffix. */
function tmpfsBytes(size: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(size);
  if (!match?.[1]) throw new Error(`unreadable tmpfs size ${size}`);
  const unit = { '': 1, k: 1024, m: MIB, g: 1024 * MIB }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Number(match[1]) * unit;
}

describe('deployment defaults', () => {
  const example = envExample();
  const chart = parse(read('deploy/helm/sre-kit/values.yaml')) as {
    config: Record<string, string | number | boolean>;
    tmpExtraMi: number;
  };
  const defaults = loadConfig({ USERS_TABLE: 'u-t', STATE_TABLE: 's-t', AVATARS_BUCKET: 'a-b' });

  it('the chart states each variable it sets as .env-example does', () => {
    const keys = Object.keys(chart.config);
    expect(keys.length).to.be.greaterThan(10);
    for (const key of keys) {
      const name = envName(key);
      expect(example, `${name} (chart config.${key}) in .env-example`).to.have.property(name);
      const value = String(chart.config[key]);
      // Endpoints differ on purpose: compose names its emulator; the chart is for AWS by default.
      if (name === 'AWS_ENDPOINT_URL' || name === 'S3_PUBLIC_ENDPOINT') continue;
      expect(value, `chart config.${key} vs .env-example ${name}`).to.equal(example[name]);
    }
  });

  it('.env-example states the service defaults of the upload limits', () => {
    for (const name of ['AVATAR_MAX_BYTES', 'UPLOAD_TMP_MAX_BYTES'] as const) {
      expect(Number(example[name]), name).to.equal(defaults[name]);
    }
  });

  it('compose and the chart give /tmp room for UPLOAD_TMP_MAX_BYTES', () => {
    const budget = Number(example.UPLOAD_TMP_MAX_BYTES);
    const compose = parse(read('docker-compose.yml')) as {
      services: { api: { tmpfs: string[] } };
    };
    const tmp = compose.services.api.tmpfs.find((entry) => entry.startsWith('/tmp:'));
    const size = /(?:^|[:,])size=([^,]+)/.exec(tmp ?? '')?.[1];
    expect(size, 'size of the /tmp tmpfs in docker-compose.yml').to.be.a('string');
    expect(tmpfsBytes(size ?? '')).to.be.above(budget);
    // The chart's emptyDir is the budget plus tmpExtraMi (its helm-unittest checks the sum).
    expect(chart.tmpExtraMi, 'tmpExtraMi in values.yaml').to.be.greaterThan(0);
  });
});
