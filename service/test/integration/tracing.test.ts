// OpenTelemetry tracing end to end: the service process started as `npm start` starts it (the
// preload, the loader hook), sending OTLP/HTTP to a small receiver in this test.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createTestResources, type TestResources } from '../support/resources.ts';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.ts';

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}
interface ExportRequest {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: Span[] }[];
  }[];
}

const SERVER = 2;
const CLIENT = 3;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==',
  'base64',
);

/** An OTLP/HTTP JSON receiver: keeps every span with its service.name. */
async function otlpReceiver(): Promise<{
  url: string;
  spans: (Span & { service: string })[];
  close(): Promise<void>;
}> {
  const spans: (Span & { service: string })[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as ExportRequest;
      for (const resource of body.resourceSpans) {
        const service =
          resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ??
          '';
        for (const scope of resource.scopeSpans)
          for (const span of scope.spans) spans.push({ ...span, service });
      }
      res.setHeader('Content-Type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

async function eventually<T>(read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const hex = (span: Span) => span.spanId;
const attribute = (span: Span, key: string) => span.attributes.find((a) => a.key === key)?.value;

function userForm(email: string): FormData {
  const body = new FormData();
  body.append('name', 'Traced User');
  body.append('email', email);
  body.append('avatar', new Blob([PNG], { type: 'image/png' }), 'a.png');
  return body;
}

/** Milliseconds of each of `count` sequential GET /status, keep-alive. */
async function statusLatencies(url: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await fetch(`${url}/status`);
    await res.arrayBuffer();
    expect(res.status).to.equal(200);
    times.push(performance.now() - started);
  }
  return times;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

describe('tracing (integration, service process)', function () {
  this.timeout(120_000);
  let resources: TestResources;
  before(async () => {
    resources = await createTestResources();
  });
  after(async () => {
    await resources.dispose();
  });

  describe('with a receiver', () => {
    let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
    let service: ServiceProcess;
    before(async () => {
      receiver = await otlpReceiver();
      service = await startServiceProcess(resources, {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      });
    });
    after(async () => {
      await service.stop();
      await receiver.close();
    });

    it('POST /user: a server span named by its route, with DynamoDB and S3 children', async () => {
      const requestId = `trace-${randomUUID()}`;
      const res = await fetch(`${service.url}/user`, {
        method: 'POST',
        headers: { 'X-Request-Id': requestId },
        body: userForm(`${requestId}@example.com`),
      });
      expect(res.status, await res.text()).to.equal(201);

      const line = await eventually(() =>
        service
          .logLines()
          .find((entry) => entry.msg === 'request' && entry.requestId === requestId),
      );
      expect(line.trace_id).to.match(/^[0-9a-f]{32}$/);
      expect(line.span_id).to.match(/^[0-9a-f]{16}$/);
      const server = await eventually(() =>
        receiver.spans.find((span) => span.traceId === line.trace_id && span.kind === SERVER),
      );
      expect(server.name).to.equal('POST /user');
      expect(server.service).to.equal('sre-kit-api');
      expect(server.parentSpanId ?? '').to.equal('');
      expect(hex(server)).to.equal(line.span_id);
      expect(attribute(server, 'http.route')).to.deep.equal({ stringValue: '/user' });

      const children = await eventually(() => {
        const found = receiver.spans.filter((span) => span.parentSpanId === server.spanId);
        return found.some((span) => span.name.startsWith('S3.')) ? found : undefined;
      });
      const names = children.map((span) => span.name);
      expect(names).to.include.members(['DynamoDB.PutItem', 'S3.PutObject']);
      expect(
        children.every((span) => span.kind === CLIENT && span.traceId === line.trace_id),
      ).to.equal(true);
    });

    it('logs written during a request carry its trace id too', async () => {
      // No API_KEY in this process: POST /update answers 503, which the error boundary logs
      // before the access-log line.
      const requestId = `trace-${randomUUID()}`;
      const res = await fetch(`${service.url}/update`, {
        method: 'POST',
        headers: { 'X-Request-Id': requestId, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(res.status).to.equal(503);
      const lines = await eventually(() => {
        const found = service.logLines().filter((entry) => entry.requestId === requestId);
        return found.some((entry) => entry.msg === 'request') ? found : undefined;
      });
      expect(lines.length, JSON.stringify(lines)).to.be.at.least(2);
      const traceIds = new Set(lines.map((entry) => entry.trace_id));
      expect([...traceIds]).to.have.length(1);
      const [traceId] = traceIds;
      expect(traceId).to.match(/^[0-9a-f]{32}$/);
      const server = await eventually(() =>
        receiver.spans.find((span) => span.traceId === traceId && span.kind === SERVER),
      );
      expect(server.name).to.equal('POST /update');
    });

    it('names a request no route matched by its method alone', async () => {
      const requestId = `trace-${randomUUID()}`;
      const res = await fetch(`${service.url}/no-such-route`, {
        headers: { 'X-Request-Id': requestId },
      });
      expect(res.status).to.equal(404);
      const line = await eventually(() =>
        service
          .logLines()
          .find((entry) => entry.msg === 'request' && entry.requestId === requestId),
      );
      const server = await eventually(() =>
        receiver.spans.find((span) => span.traceId === line.trace_id),
      );
      expect(server.name).to.equal('GET');
    });

    it('continues the trace of an incoming W3C traceparent', async () => {
      const traceId = randomUUID().replaceAll('-', '');
      const parent = traceId.slice(0, 16);
      const requestId = `trace-${randomUUID()}`;
      const res = await fetch(`${service.url}/state`, {
        headers: { traceparent: `00-${traceId}-${parent}-01`, 'X-Request-Id': requestId },
      });
      expect(res.status).to.equal(200);
      const server = await eventually(() =>
        receiver.spans.find((span) => span.traceId === traceId && span.kind === SERVER),
      );
      expect(server.name).to.equal('GET /state');
      expect(server.parentSpanId).to.equal(parent);
      const line = service
        .logLines()
        .find((entry) => entry.msg === 'request' && entry.requestId === requestId);
      expect(line?.trace_id).to.equal(traceId);
      const dynamo = await eventually(() =>
        receiver.spans.find((span) => span.parentSpanId === server.spanId),
      );
      expect(dynamo.name).to.match(/^DynamoDB\./);
    });

    it('does not trace probes and scrapes', async () => {
      for (const path of ['/health', '/ready', '/metrics']) {
        const res = await fetch(`${service.url}${path}`);
        await res.arrayBuffer();
      }
      // A traced request after them: once its span arrived, theirs would have too.
      const traceId = randomUUID().replaceAll('-', '');
      await (
        await fetch(`${service.url}/status`, {
          headers: { traceparent: `00-${traceId}-${traceId.slice(16)}-01` },
        })
      ).arrayBuffer();
      await eventually(() => receiver.spans.find((span) => span.traceId === traceId));
      const probes = receiver.spans.filter((span) =>
        ['/health', '/ready', '/metrics'].some((path) => span.name.endsWith(path)),
      );
      expect(probes.map((span) => span.name)).to.deep.equal([]);
    });
  });

  describe('with a collector that is down', () => {
    let silent: Server;
    let refused: string;
    let services: ServiceProcess[] = [];
    before(async () => {
      // Accepts connections and never answers.
      silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      // A port that refuses: bound once, then closed.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      refused = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await closeServer(closed);
    });
    after(async () => {
      await Promise.all(services.map((service) => service.stop()));
      services = [];
      await closeServer(silent);
    });

    it('answers as fast as without tracing, and drops spans beyond its bounded queue', async () => {
      const [untraced, refusing, hanging] = await Promise.all([
        startServiceProcess(resources),
        startServiceProcess(resources, { OTEL_EXPORTER_OTLP_ENDPOINT: refused }),
        startServiceProcess(resources, {
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        }),
      ]);
      services = [untraced, refusing, hanging];
      // Warm-up, then the same sequence against each, interleaved so that the shared CPU's noise
      // falls on all three alike.
      for (const service of services) await statusLatencies(service.url, 200);
      const times = services.map((): number[] => []);
      for (let round = 0; round < 5; round++)
        for (const [i, service] of services.entries())
          times[i]!.push(...(await statusLatencies(service.url, 100)));
      const [base, withRefusing, withHanging] = times.map(median);
      expect(withRefusing, `median ms: untraced ${base}, refused ${withRefusing}`).to.be.below(
        base! * 2 + 1,
      );
      expect(withHanging, `median ms: untraced ${base}, hanging ${withHanging}`).to.be.below(
        base! * 2 + 1,
      );

      // More spans than the queue holds (2048, plus the batch of 512 the hung export holds):
      // the rest are dropped, and the SDK says how many once the export times out (10 s).
      await Promise.all(Array.from({ length: 8 }, () => statusLatencies(hanging.url, 300)));
      const warning = await eventually(() => {
        void fetch(`${hanging.url}/status`).then((res) => res.arrayBuffer());
        return hanging
          .logLines()
          .find((entry) => typeof entry.msg === 'string' && /^Dropped \d+ spans/.test(entry.msg));
      }, 25_000);
      expect(warning.component).to.equal('opentelemetry');
      expect(warning.level).to.equal(40);
    });
  });
});
