import { expect } from 'chai';
import { DURATION_BUCKETS, createMetrics } from '../../src/http/metrics.ts';

/** The value of each sample in an exposition, by name and labels in any order: `name{a="1",b="2"}`. */
function samples(text: string): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const [, name, labels = '', value = ''] = match;
    const sorted = [...labels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, key, val]) => `${key}="${val}"`)
      .sort();
    byKey.set(`${name}{${sorted.join(',')}}`, value);
  }
  return byKey;
}

describe('request duration histogram', () => {
  it('exposes cumulative buckets, sum and count per route, method and status', async () => {
    const { registry, requestDuration } = createMetrics();
    requestDuration.observe('/status', 'GET', 200, 0.0005);
    requestDuration.observe('/status', 'GET', 200, 0.003);
    requestDuration.observe('/status', 'GET', 200, 42);
    requestDuration.observe('/users', 'POST', 201, 0.01);
    const text = await registry.metrics();
    const values = samples(text);
    const sample = (suffix: string, labels: Record<string, string>) =>
      values.get(
        `http_request_duration_seconds${suffix}{${Object.entries(labels)
          .map(([key, value]) => `${key}="${value}"`)
          .sort()
          .join(',')}}`,
      );
    const status = { route: '/status', method: 'GET', status: '200' };
    const users = { route: '/users', method: 'POST', status: '201' };
    expect(text).to.include('# TYPE http_request_duration_seconds histogram');
    expect(sample('_bucket', { ...status, le: '0.001' })).to.equal('1');
    expect(sample('_bucket', { ...status, le: '0.005' })).to.equal('2');
    expect(sample('_bucket', { ...status, le: '10' })).to.equal('2');
    expect(sample('_bucket', { ...status, le: '+Inf' })).to.equal('3');
    expect(sample('_count', status)).to.equal('3');
    expect(sample('_sum', status)).to.equal('42.0035');
    expect(sample('_bucket', { ...users, le: '0.01' })).to.equal('1');
    expect(sample('_bucket', { ...users, le: '0.005' })).to.equal('0');
    const bounds = [...values.keys()]
      .filter(
        (key) =>
          key.startsWith('http_request_duration_seconds_bucket{') &&
          key.includes('route="/status"'),
      )
      .map((key) => /le="([^"]+)"/.exec(key)?.[1]);
    expect(bounds).to.have.members([...DURATION_BUCKETS.map(String), '+Inf']);
    expect(text).to.include('process_cpu_seconds_total');
  });
});
