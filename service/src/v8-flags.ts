// V8 settings of the service process, set before any other module loads (main.ts imports this
// first), so they hold wherever the service runs: the image, compose, the chart, `npm start` and
// the bench.
//
// One setting cannot be made here, because V8 sizes its heap before any JavaScript runs: the
// young generation. The start command (package.json "start" and the image's CMD, kept equal by
// test/unit/v8-flags.test.ts) passes --max-semi-space-size=16. Without it V8 derives the size from
// the memory it sees: a 64 MiB semi-space (128 MiB of young generation) on a 24 GiB host, and
// 0.5 MiB in a container limited to 384 MiB, where /status ran 2,442 scavenges in 8 s at half the
// peak rate, and throughput fell to 0.67 of bare Koa. 16 MiB is the same everywhere: 208-225
// scavenges in that window, 0.76-0.81 of bare Koa in and out of the container, and 32 MiB of
// young generation at most (README, Performance).
//
// No allocation-site pretenuring: after an upload or listing burst, V8 decided that objects from
// shared allocation sites (Koa contexts, header arrays) live long and allocated them straight in
// the old generation from then on. /status then filled the old generation at about 13 MB/s,
// scavenges took 3.5 ms instead of 0.35 ms, mark-compacts ran every 2 s, and p99 at half the peak
// rate was 35 ms instead of 4.4 ms (make bench; README, Performance).
import { setFlagsFromString } from 'node:v8';

export const V8_FLAGS = ['--no-allocation-site-pretenuring'] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);
