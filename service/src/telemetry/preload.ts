// Loaded by `node --import` before the service (package.json "start", the image's CMD): when the
// environment turns tracing on, starts it before any module of the app is imported, so that
// http and the AWS SDK are instrumented as they load. With tracing off it imports nothing more.
import { tracingSettingsFromEnv } from './tracing-env.ts';

const settings = tracingSettingsFromEnv(process.env);
if (settings) {
  const [{ startTracing }, { diagLogger }, { readFileSync }] = await Promise.all([
    import('./tracing.ts'),
    import('./diag-logger.ts'),
    import('node:fs'),
  ]);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  startTracing(settings, { version: pkg.version ?? '0.0.0', diagLogger: diagLogger() });
}
