// The tracing part of the env contract: only the OpenTelemetry SDK's standard variables. Tracing
// is on when an OTLP endpoint is set and OTEL_SDK_DISABLED is not true; otherwise no tracing code
// is loaded. config.ts validates these with every other variable; the preload reads them alone.
import { z } from 'zod';

/** The samplers of the OpenTelemetry specification that need nothing beyond this SDK. */
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

const otlpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const tracingEnvSchema = z.object({
  /** The spec reads "true" in any case as true; anything but true/false is refused here. */
  OTEL_SDK_DISABLED: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
    .transform((value) => value === 'true')
    .default(false),
  /** Base URL: traces go to <endpoint>/v1/traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl.transform((value) => value.replace(/\/+$/, '')).optional(),
  /** The full URL of the traces, used as given; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl.optional(),
  OTEL_SERVICE_NAME: z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, {
      error: 'must be 1 to 255 printable ASCII characters without spaces',
    })
    .default('sre-kit-api'),
  OTEL_TRACES_SAMPLER: z
    .enum(TRACES_SAMPLERS, { error: `must be one of ${TRACES_SAMPLERS.join(', ')}` })
    .default('parentbased_always_on'),
  /** The ratio of the traceidratio samplers, 0 to 1. */
  OTEL_TRACES_SAMPLER_ARG: z
    .string()
    .regex(/^(0(\.\d+)?|1(\.0*)?|\.\d+)$/, { error: 'must be a number from 0 to 1' })
    .transform(Number)
    .optional(),
});

export type TracingEnv = z.infer<typeof tracingEnvSchema>;

/** What the tracer is built from. */
export interface TracingSettings {
  tracesUrl: string;
  serviceName: string;
  sampler: TracesSampler;
  /** For the traceidratio samplers: the share of new traces kept. */
  ratio: number;
}

/** The settings when tracing is on: an endpoint is set and the SDK is not disabled. */
export function tracingSettings(env: TracingEnv): TracingSettings | undefined {
  if (env.OTEL_SDK_DISABLED) return undefined;
  const tracesUrl =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (env.OTEL_EXPORTER_OTLP_ENDPOINT && `${env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`);
  if (!tracesUrl) return undefined;
  return {
    tracesUrl,
    serviceName: env.OTEL_SERVICE_NAME,
    sampler: env.OTEL_TRACES_SAMPLER,
    ratio: env.OTEL_TRACES_SAMPLER_ARG ?? 1,
  };
}

/**
 * The settings straight from an environment, for the preload that runs before config.ts is
 * read. Invalid values give undefined: the service then refuses to start in main.ts, with the
 * message that names every bad variable.
 */
export function tracingSettingsFromEnv(
  env: Record<string, string | undefined>,
): TracingSettings | undefined {
  const input: Record<string, string> = {};
  for (const name of Object.keys(tracingEnvSchema.shape)) {
    const value = env[name]?.trim();
    if (value) input[name] = value;
  }
  const parsed = tracingEnvSchema.safeParse(input);
  return parsed.success ? tracingSettings(parsed.data) : undefined;
}
