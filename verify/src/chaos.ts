// make chaos: failure scenarios against the service built from service/dist, moto on loopback.
// Each scenario prints PASS/FAIL with its figures; the exit status is 1 when any fails.
//   1. emulator outage mid-load (killed and restarted; then frozen with SIGSTOP and resumed)
//   2. consistency of users and avatar objects after the interrupted writes of scenario 1
//   3. SIGTERM during load: nothing accepted before the signal fails; exit within the timeout
//   4. slow clients (slow headers, slow body) are cut off by server timeouts and block nobody
// CHAOS_ONLY=outage,sigterm,slow runs some of them (outage is scenarios 1 and 2). One module per
// scenario in chaos/.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stop } from './lib/proc.ts';
import { REPORTS, provision, startEmulator, startService, stopEmulator } from './lib/stack.ts';
import { emulatorOutage } from './chaos/emulator-outage.ts';
import { interruptedWrites } from './chaos/interrupted-writes.ts';
import { createReport } from './chaos/report.ts';
import { chaosEnv } from './chaos/settings.ts';
import { sigtermDuringLoad } from './chaos/sigterm.ts';
import { slowClients } from './chaos/slow-clients.ts';

async function main(): Promise<void> {
  const report = createReport();
  const only = process.env.CHAOS_ONLY?.split(',');
  const want = (n: string) => !only || only.includes(n);
  const motoLog = join(REPORTS, 'chaos-moto.log');
  const serviceLog = join(REPORTS, 'chaos-service.log');
  writeFileSync(motoLog, '');
  writeFileSync(serviceLog, '');
  let emulator = await startEmulator(motoLog);
  let resources = await provision(emulator.endpoint);
  const service = await startService({ emulator, resources, logFile: serviceLog, env: chaosEnv() });
  if (want('outage')) {
    const outage = await emulatorOutage(report, emulator, resources, service);
    await interruptedWrites(report, service, outage);
    ({ emulator, resources } = outage);
  }
  if (want('sigterm')) await sigtermDuringLoad(report, emulator, resources);
  if (want('slow')) await slowClients(report, service);
  await stop(service.process);
  await stopEmulator(emulator);

  const { results } = report;
  const failed = results.filter((r) => !r.pass);
  writeFileSync(
    join(REPORTS, 'chaos-latest.json'),
    JSON.stringify({ date: new Date().toISOString(), results }, null, 2),
  );
  console.log(
    `chaos: ${results.length - failed.length}/${results.length} scenarios passed in ${Math.round(report.elapsedS())} s (reports/chaos-latest.json, logs reports/chaos-*.log)`,
  );
  process.exitCode = failed.length ? 1 : 0;
}

await main();
