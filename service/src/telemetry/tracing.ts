// OpenTelemetry tracing of the service, started only when tracing-env.ts finds it on (the
// preload does it before the app's modules load, so they are instrumented as they are imported).
//
// - One server span per request (instrumentation-http), named `METHOD /route/template` by the
//   request pipeline through the RPC metadata instrumentation-http reads when the response ends.
//   Probes and scrapes are not traced. A W3C traceparent header makes the span a child of the
//   caller's.
// - One client span per AWS SDK command (instrumentation-aws-sdk: `DynamoDB.PutItem`,
//   `S3.PutObject`, ...). Outgoing HTTP is not traced separately: the SDK's spans are the calls.
// - Spans leave in batches over OTLP/HTTP (JSON) from a bounded queue: a collector that is down
//   or slow costs a request nothing, and once the queue is full new spans are dropped (the SDK
//   warns with the count) instead of held.
import type { IncomingMessage } from 'node:http';
import {
  context,
  diag,
  DiagLogLevel,
  isSpanContextValid,
  propagation,
  trace,
  type DiagLogger,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { getRPCMetadata, RPCType, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { register as registerLoaderHooks } from 'import-in-the-middle/register-hooks.mjs';
import type { TracesSampler, TracingSettings } from './tracing-env.ts';

/** Paths polled every few seconds by kubelets, load balancers and Prometheus: never traced. */
export const UNTRACED_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/** The span queue: spans beyond it are dropped while the collector does not take them. */
export const SPAN_QUEUE = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 1000,
  /** One export at a time; a collector that never answers holds one batch this long. */
  exportTimeoutMillis: 10_000,
} as const;

/** Trace fields of a log line written while a span is active. */
export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

export interface Tracing {
  /** Names the active server span after the route template that served the request. */
  nameRoute(route: string): void;
  /** trace_id, span_id and trace_flags of the active span, for pino's mixin. */
  readonly logFields: () => TraceLogFields;
  /** Exports what is queued, within the time given, and stops. */
  shutdown(timeoutMs: number): Promise<void>;
}

export function createSampler(name: TracesSampler, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

export function isUntracedRequest(request: Pick<IncomingMessage, 'url'>): boolean {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return UNTRACED_PATHS.has(query === -1 ? url : url.slice(0, query));
}

function nameRoute(route: string): void {
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}

function logFields(): TraceLogFields {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!isSpanContextValid(span.spanContext())) return {};
  return {
    trace_id: traceId,
    span_id: spanId,
    trace_flags: traceFlags.toString(16).padStart(2, '0'),
  };
}

export interface StartOptions {
  version: string;
  /** Where the SDK's own warnings and errors go (an unreachable collector, dropped spans). */
  diagLogger: DiagLogger;
  /** The exporter; OTLP/HTTP to settings.tracesUrl unless a test passes its own. */
  exporter?: SpanExporter;
}

let running: Tracing | undefined;

/** Whether tracing runs already: started by the preload, before the app's modules loaded. */
export function tracingStarted(): boolean {
  return running !== undefined;
}

/**
 * Starts tracing once per process and returns it; a second call returns the running one. The
 * loader hooks are registered first, so modules imported afterwards are instrumented.
 */
export function startTracing(settings: TracingSettings, options: StartOptions): Tracing {
  if (running) return running;
  const instrumentations = [
    new HttpInstrumentation({
      enabled: false,
      ignoreIncomingRequestHook: isUntracedRequest,
      disableOutgoingRequestInstrumentation: true,
    }),
    new AwsInstrumentation({ enabled: false, suppressInternalInstrumentation: true }),
  ];
  // import-in-the-middle's loader hooks, in-thread (module.registerHooks): they wrap, as they
  // are imported, only the modules these instrumentations patch (http, the AWS SDK's smithy
  // client), not every module of the service.
  registerLoaderHooks({
    include: instrumentations.flatMap((instrumentation) =>
      instrumentation.getModuleDefinitions().map((definition) => definition.name),
    ),
  });

  diag.setLogger(options.diagLogger, DiagLogLevel.WARN);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const exporter =
    options.exporter ?? new OTLPTraceExporter({ url: settings.tracesUrl, timeoutMillis: 10_000 });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: options.version,
    }),
    sampler: createSampler(settings.sampler, settings.ratio),
    spanProcessors: [new BatchSpanProcessor({ exporter, ...SPAN_QUEUE })],
  });
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({ tracerProvider: provider, instrumentations });

  running = {
    nameRoute,
    logFields,
    async shutdown(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      });
      await Promise.race([provider.shutdown().catch(() => undefined), late]);
      clearTimeout(timer);
    },
  };
  return running;
}
