import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.ts';
import {
  tracingSettings,
  tracingSettingsFromEnv,
  TRACES_SAMPLERS,
} from '../../src/telemetry/tracing-env.ts';
import { createSampler, isUntracedRequest } from '../../src/telemetry/tracing.ts';

const required = { USERS_TABLE: 'users', STATE_TABLE: 'state', AVATARS_BUCKET: 'avatars' };
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...required, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('tracing configuration', () => {
  it('is off by default, with the documented defaults', () => {
    const config = loadConfig(required);
    expect(config).to.include({
      OTEL_SDK_DISABLED: false,
      OTEL_SERVICE_NAME: 'sre-kit-api',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    });
    expect(tracingSettings(config)).to.equal(undefined);
    expect(tracingSettingsFromEnv({})).to.equal(undefined);
  });

  it('turns on with an OTLP endpoint: traces go to <endpoint>/v1/traces', () => {
    const config = loadConfig({
      ...required,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
    });
    expect(tracingSettings(config)).to.deep.equal({
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'sre-kit-api',
      sampler: 'parentbased_always_on',
      ratio: 1,
    });
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, before the base endpoint', () => {
    const settings = tracingSettingsFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b.example/otlp/traces',
      OTEL_SERVICE_NAME: 'api-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(settings).to.deep.equal({
      tracesUrl: 'https://b.example/otlp/traces',
      serviceName: 'api-eu',
      sampler: 'parentbased_traceidratio',
      ratio: 0.25,
    });
  });

  it('stays off when OTEL_SDK_DISABLED is true, in any case', () => {
    for (const value of ['true', 'TRUE', 'True']) {
      const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: value };
      expect(tracingSettingsFromEnv(env), value).to.equal(undefined);
      expect(tracingSettings(loadConfig({ ...required, ...env })), value).to.equal(undefined);
    }
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'false' };
    expect(tracingSettingsFromEnv(on)).to.not.equal(undefined);
  });

  it('refuses bad values, naming each variable', () => {
    const problems = problemsOf({
      OTEL_SDK_DISABLED: 'maybe',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url',
      OTEL_SERVICE_NAME: 'has spaces',
      OTEL_TRACES_SAMPLER: 'jaeger_remote',
      OTEL_TRACES_SAMPLER_ARG: '1.5',
    });
    expect(problems).to.deep.equal([
      'OTEL_SDK_DISABLED must be true or false',
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http(s) URL',
      'OTEL_SERVICE_NAME must be 1 to 255 printable ASCII characters without spaces',
      `OTEL_TRACES_SAMPLER must be one of ${TRACES_SAMPLERS.join(', ')}`,
      'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1',
    ]);
  });

  it('does not start from invalid values: main.ts refuses them with the full message', () => {
    expect(
      tracingSettingsFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_TRACES_SAMPLER: 'sometimes',
      }),
    ).to.equal(undefined);
  });

  it('accepts sampler ratios from 0 to 1', () => {
    for (const [arg, ratio] of [
      ['0', 0],
      ['0.1', 0.1],
      ['.5', 0.5],
      ['1', 1],
      ['1.0', 1],
    ] as const) {
      expect(
        loadConfig({ ...required, OTEL_TRACES_SAMPLER_ARG: arg }).OTEL_TRACES_SAMPLER_ARG,
      ).to.equal(ratio);
    }
    for (const arg of ['-0.1', '2', 'half', '1e-3'])
      expect(problemsOf({ OTEL_TRACES_SAMPLER_ARG: arg })).to.have.length(1);
  });

  it('builds each sampler of the specification it accepts', () => {
    const names = TRACES_SAMPLERS.map((name) => createSampler(name, 0.5).toString());
    expect(names).to.deep.equal([
      'AlwaysOnSampler',
      'AlwaysOffSampler',
      'TraceIdRatioBased{0.5}',
      'ParentBased{root=AlwaysOnSampler, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}',
      'ParentBased{root=AlwaysOffSampler, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}',
      'ParentBased{root=TraceIdRatioBased{0.5}, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}',
    ]);
  });

  it('leaves probes and scrapes untraced, with or without a query', () => {
    for (const url of ['/health', '/ready', '/metrics', '/ready?verbose=1'])
      expect(isUntracedRequest({ url }), url).to.equal(true);
    for (const url of ['/status', '/user', '/users?limit=5', '/healthz'])
      expect(isUntracedRequest({ url }), url).to.equal(false);
  });

  describe('the preload of the start command', () => {
    const serviceDir = fileURLToPath(new URL('../../', import.meta.url));
    /** The global symbols a process has after the preload ran (OpenTelemetry registers one). */
    const globalsAfterPreload = (env: Record<string, string>) =>
      execFileSync(
        process.execPath,
        [
          '--import=./src/telemetry/preload.ts',
          '--input-type=module',
          '-e',
          'console.log(Object.getOwnPropertySymbols(globalThis).map(String).join(","))',
        ],
        { cwd: serviceDir, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
      );

    it('is part of npm start (and so of the image, which runs the same command)', () => {
      const pkg = JSON.parse(
        readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
      ) as {
        scripts: { start: string };
      };
      expect(pkg.scripts.start.split(' ')).to.include('--import=./dist/telemetry/preload.js');
    });

    it('loads no OpenTelemetry code when tracing is off', () => {
      expect(globalsAfterPreload({})).to.not.include('opentelemetry');
      expect(
        globalsAfterPreload({
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
          OTEL_SDK_DISABLED: 'true',
        }),
      ).to.not.include('opentelemetry');
    });

    it('starts tracing when an endpoint is set', () => {
      expect(globalsAfterPreload({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).to.include(
        'opentelemetry',
      );
    });
  });
});
