// Process entry: configuration, real clients, listen, signals. Everything else is in createApp.
// V8 flags first: ES modules are evaluated in import order.
import './v8-flags.ts';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createAwsClients } from './aws/clients.ts';
import { createApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { defaultGeoDatabasePaths, openGeoLookup } from './geo/geo-reader.ts';
import { shutdownState, startHttpServer } from './lifecycle/http-server.ts';
import { createLogger } from './logger.ts';
import { tracingSettings } from './telemetry/tracing-env.ts';
import { spoolSpaceProblem } from './uploads/upload-spool.ts';
import { wireDependencies } from './wiring.ts';

const READINESS_CACHE_MS = 2000;

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    createLogger('fatal').fatal({ problems: err.problems }, err.message);
    process.exit(1);
  }
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

/**
 * The running tracing when the env turns it on, and whether it started late: without the preload
 * of the start command, modules this file imported are not instrumented. Nothing is loaded when
 * tracing is off.
 */
async function tracingOf(config: Config) {
  const settings = tracingSettings(config);
  if (!settings) return { tracing: undefined, late: false };
  const [{ startTracing, tracingStarted }, { diagLogger }] = await Promise.all([
    import('./telemetry/tracing.ts'),
    import('./telemetry/diag-logger.ts'),
  ]);
  const late = !tracingStarted();
  const tracing = startTracing(settings, { version: packageVersion(), diagLogger: diagLogger() });
  return { tracing, late };
}

async function main(): Promise<void> {
  const config = readConfig();
  const { tracing, late } = await tracingOf(config);
  const logger = createLogger(config.LOG_LEVEL, {
    sync: false,
    ...(tracing ? { mixin: tracing.logFields } : {}),
  });
  if (late)
    logger.warn(
      'tracing started without the preload (node --import=./dist/telemetry/preload.js): ' +
        'http and the AWS SDK were loaded before it and are not traced',
    );
  const sdkLog = logger.child({ component: 'aws-sdk' });
  const clients = createAwsClients(config, {
    debug: () => undefined,
    warn: (...content) => {
      sdkLog.warn({ detail: content.map(String) }, 'AWS SDK warning');
    },
    error: (...content) => {
      sdkLog.error({ detail: content.map(String) }, 'AWS SDK error');
    },
  });
  const geo = await openGeoLookup(config.GEOIP_DB_PATH ?? defaultGeoDatabasePaths());
  const geoStatus = geo.status();
  if (!geoStatus.ok) logger.error({ reason: geoStatus.reason }, 'GeoIP disabled: /ip answers 503');

  const spaceProblem = await spoolSpaceProblem(tmpdir(), config.UPLOAD_TMP_MAX_BYTES).catch(
    (err: unknown) => `the temporary directory cannot be inspected: ${String(err)}`,
  );
  if (spaceProblem) logger.warn(spaceProblem);

  const state = shutdownState();
  const deps = wireDependencies({
    config,
    clients,
    logger,
    geo,
    lifecycle: state,
    readinessCacheMs: READINESS_CACHE_MS,
    ...(tracing ? { tracing } : {}),
  });
  const { koa } = createApp(deps, packageVersion());

  const running = await startHttpServer(koa, { port: config.PORT, state });
  logger.info(
    {
      port: running.port,
      region: config.AWS_REGION,
      endpoint: config.AWS_ENDPOINT_URL ?? 'aws',
      tracing: tracing ? config.OTEL_TRACES_SAMPLER : 'off',
    },
    'listening',
  );

  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down');
    const deadline = Date.now() + config.SHUTDOWN_TIMEOUT_MS;
    void running.shutdown(config.SHUTDOWN_TIMEOUT_MS).then(async (drained) => {
      // What is left of the time goes to in-doubt uploads still to be checked.
      await deps.cleanup.drain(Math.max(0, deadline - Date.now()));
      // Queued spans get what is left, one second at least.
      await tracing?.shutdown(Math.max(1000, deadline - Date.now()));
      clients.destroy();
      logger.info({ drained }, drained ? 'stopped' : 'stopped: connections cut at the timeout');
      logger.flush(() => process.exit(drained ? 0 : 1));
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  createLogger('fatal').fatal({ err }, 'the service could not start');
  process.exit(1);
});
