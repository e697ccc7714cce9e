import { expect } from 'chai';
import { createMetrics } from '../../src/http/metrics.ts';

describe('request duration histogram', () => {
  it('exposes cumulative buckets, sum and count per route, method and status', async () => {
    const { registry, requestDuration } = createMetrics();
    requestDuration.observe('/status', 'GET', 200, 0.0005);
    requestDuration.observe('/status', 'GET', 200, 0.003);
    requestDuration.observe('/status', 'GET', 200, 42);
    requestDuration.observe('/users', 'POST', 201, 0.01);
    const text = await registry.metrics();
    const line = (labels: string) =>
      text
        .split('\n')
        .find((candidate) => candidate.startsWith(`http_request_duration_seconds${labels}`));
    expect(text).to.include('# TYPE http_request_duration_seconds histogram');
    expect(line('_bucket{route="/status",method="GET",status="200",le="0.001"}')).to.match(/ 1$/);
    expect(line('_bucket{route="/status",method="GET",status="200",le="0.005"}')).to.match(/ 2$/);
    expect(line('_bucket{route="/status",method="GET",status="200",le="10"}')).to.match(/ 2$/);
    expect(line('_bucket{route="/status",method="GET",status="200",le="+Inf"}')).to.match(/ 3$/);
    expect(line('_count{route="/status",method="GET",status="200"}')).to.match(/ 3$/);
    expect(line('_sum{route="/status",method="GET",status="200"}')).to.match(/ 42\.0035$/);
    expect(line('_bucket{route="/users",method="POST",status="201",le="0.01"}')).to.match(/ 1$/);
    expect(line('_bucket{route="/users",method="POST",status="201",le="0.005"}')).to.match(/ 0$/);
    expect(text).to.include('process_cpu_seconds_total');
  });
});
