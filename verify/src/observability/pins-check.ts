// make obs-check: promtool and prometheus (built from the Go module PROMETHEUS_VERSION) are the
// release the compose profile runs (PROMETHEUS_IMAGE): module v0.3MM.P is Prometheus 3.MM.P.
// The compose defaults of every *_IMAGE equal versions.env already (verify/test/policy/pins.test.ts).
import { pinnedVersions } from '../../../service/test/support/versions.ts';

/** The Prometheus release of a module version: v0.316.0 is 3.16.0. */
export function prometheusRelease(moduleVersion: string): string {
  const match = /^v0\.(\d)(\d\d)\.(\d+)$/.exec(moduleVersion);
  if (!match)
    throw new Error(`PROMETHEUS_VERSION ${moduleVersion} is not a v0.3MM.P module version`);
  return `${match[1]}.${Number(match[2])}.${match[3]}`;
}

if (import.meta.main) {
  const pins = pinnedVersions();
  const release = prometheusRelease(pins.PROMETHEUS_VERSION ?? '');
  const image = pins.PROMETHEUS_IMAGE ?? '';
  if (image !== `prom/prometheus:v${release}`) {
    console.error(
      `pins-check: PROMETHEUS_VERSION ${pins.PROMETHEUS_VERSION} is Prometheus ${release}, ` +
        `but PROMETHEUS_IMAGE is ${image}: pin prom/prometheus:v${release}`,
    );
    process.exit(1);
  }
  for (const name of ['GRAFANA_IMAGE', 'JAEGER_IMAGE'])
    if (!/:[\w.-]+$/.test(pins[name] ?? '')) {
      console.error(`pins-check: ${name} must be pinned by tag in versions.env`);
      process.exit(1);
    }
  console.log(
    `pins-check: promtool/prometheus ${pins.PROMETHEUS_VERSION} = ${image}; Grafana and Jaeger pinned`,
  );
}
