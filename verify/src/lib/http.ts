// One HTTP call with everything a chaos check needs to judge it afterwards.
import { request, type Agent } from 'node:http';

export interface Call {
  id: string;
  op: string;
  /** performance.now() when the request was fully written, or when it failed before that. */
  sentAt: number;
  startedAt: number;
  endedAt: number;
  ms: number;
  status: number;
  /** True when the body is the service's error envelope {"error":{"code","message","request_id"}}. */
  errorEnvelope: boolean;
  errorCode?: string;
  clientError?: string;
}

export function isErrorEnvelope(body: string): { ok: boolean; code?: string } {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    const e = parsed.error;
    if (typeof e !== 'object' || e === null) return { ok: false };
    const { code, message, request_id } = e as Record<string, unknown>;
    const ok =
      typeof code === 'string' && typeof message === 'string' && typeof request_id === 'string';
    return { ok, code: ok ? code : undefined };
  } catch {
    return { ok: false };
  }
}

export function call(
  baseUrl: string,
  options: {
    op: string;
    id: string;
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    agent?: Agent | false;
    timeoutMs?: number;
  },
): Promise<Call> {
  const startedAt = performance.now();
  let sentAt = startedAt;
  return new Promise((resolve) => {
    let done = false;
    const finish = (status: number, body: string, clientError?: string) => {
      if (done) return;
      done = true;
      const endedAt = performance.now();
      const envelope = status >= 400 ? isErrorEnvelope(body) : { ok: false };
      resolve({
        id: options.id,
        op: options.op,
        sentAt,
        startedAt,
        endedAt,
        ms: endedAt - startedAt,
        status,
        errorEnvelope: envelope.ok,
        errorCode: envelope.code,
        clientError,
      });
    };
    const req = request(
      new URL(options.path, baseUrl),
      {
        method: options.method ?? 'GET',
        agent: options.agent,
        timeout: options.timeoutMs ?? 30_000,
        headers: {
          'X-Request-Id': options.id,
          ...(options.body ? { 'Content-Length': String(options.body.length) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          finish(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
        });
        res.on('error', (err) => {
          finish(0, '', err.message);
        });
      },
    );
    req.on('finish', () => {
      sentAt = performance.now();
    });
    req.on('timeout', () =>
      req.destroy(new Error(`client timeout ${options.timeoutMs ?? 30_000} ms`)),
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      finish(0, '', err.code ?? err.message);
    });
    req.end(options.body);
  });
}
