// Spans as OTLP/JSON carries them (the collector's file exporter writes one export request per
// line), flattened with their service name for checks.
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 2 server, 3 client. */
  kind?: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

export interface ServiceSpan extends OtlpSpan {
  service: string;
}

/** Every span of a series of OTLP/JSON export requests, one JSON document per line. */
export function spansOfJsonLines(text: string): ServiceSpan[] {
  const spans: ServiceSpan[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const request = JSON.parse(line) as ExportRequest;
    for (const resourceSpans of request.resourceSpans ?? []) {
      const service =
        resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value
          .stringValue ?? '';
      for (const scope of resourceSpans.scopeSpans ?? [])
        for (const span of scope.spans ?? []) spans.push({ ...span, service });
    }
  }
  return spans;
}

/** A span attribute's value as a string (OTLP/JSON wraps each value in its type). */
export function attribute(span: OtlpSpan, key: string): string | undefined {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  if (!value) return undefined;
  const [inner] = Object.values(value);
  if (inner === undefined) return undefined;
  // Scalars are strings, numbers (intValue is a string in OTLP/JSON) or booleans; arrays and
  // key-value lists are objects.
  return typeof inner === 'string' ? inner : JSON.stringify(inner);
}
