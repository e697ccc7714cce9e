// V8 settings of the service process, set before any other module loads (main.ts imports this
// first), so they hold wherever the service runs: the image, compose, the chart, `npm start` and
// the bench.
//
// No allocation-site pretenuring: after an upload or listing burst, V8 decided that objects from
// shared allocation sites (Koa contexts, header arrays) live long and allocated them straight in
// the old generation from then on. /status then filled the old generation at about 13 MB/s,
// scavenges took 3.5 ms instead of 0.35 ms, mark-compacts ran every 2 s, and p99 at half the peak
// rate was 35 ms instead of 4.4 ms (make bench; README, Performance).
import { setFlagsFromString } from 'node:v8';

export const V8_FLAGS = ['--no-allocation-site-pretenuring'] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);
