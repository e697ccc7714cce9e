// Upload bodies for POST /user: real PNG images (the generator of the service's tests) padded to
// an exact size with a private ancillary chunk, wrapped in multipart/form-data.
import { request, type Agent } from 'node:http';
import { call, type Call } from './http.ts';
import { pngChunk, pngImage } from '../../../service/test/support/images.ts';

/** A valid PNG of exactly `bytes` bytes: noise image data plus a private "prVt" chunk as padding. */
export function pngOfSize(bytes: number): Buffer {
  // Uncompressed noise: the image is about 3 bytes per pixel plus row and chunk overhead.
  let side = Math.max(2, Math.floor(Math.sqrt(Math.max(0, bytes - 4096) / 3.1)));
  let image = pngImage(side, side, true);
  while (image.length + 12 > bytes && side > 2) {
    side = Math.max(2, Math.floor(side * 0.9));
    image = pngImage(side, side, true);
  }
  const padding = bytes - image.length - 12;
  if (padding < 0) throw new Error(`cannot make a PNG of ${bytes} bytes`);
  const iend = image.subarray(image.length - 12);
  const pad = pngChunk('prVt', Buffer.alloc(padding, 0x2a));
  const out = Buffer.concat([image.subarray(0, image.length - 12), pad, iend]);
  if (out.length !== bytes) throw new Error(`PNG is ${out.length} bytes, wanted ${bytes}`);
  return out;
}

export const BOUNDARY = '----sre-kit-bench-boundary-7f3a9c';
export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** The head (name, email, file part header) and tail of a form; the file bytes go between. */
export function formParts(name: string, email: string): { head: Buffer; tail: Buffer } {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\n${name}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\n${email}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="avatar"; filename="avatar.png"\r\n` +
      'Content-Type: image/png\r\n\r\n',
  );
  return { head, tail: Buffer.from(`\r\n--${BOUNDARY}--\r\n`) };
}

export function formBody(name: string, email: string, image: Buffer): Buffer {
  const { head, tail } = formParts(name, email);
  return Buffer.concat([head, image, tail]);
}

export interface Outcome {
  status: number;
  body: string;
  ms: number;
  error?: string;
}

/** POST /user, the image streamed in 64 KiB writes (no extra copy of the whole form). */
export function postUser(
  baseUrl: string,
  fields: { name: string; email: string },
  image: Buffer,
  options: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<Outcome> {
  const { head, tail } = formParts(fields.name, fields.email);
  const url = new URL('/user', baseUrl);
  const started = performance.now();
  return new Promise((resolve) => {
    const failed = (err: Error) => {
      resolve({
        status: 0,
        body: '',
        ms: performance.now() - started,
        error: err.message,
      });
    };
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'Content-Type': MULTIPART_TYPE,
          'Content-Length': String(head.length + image.length + tail.length),
          ...options.headers,
        },
        timeout: options.timeoutMs ?? 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          });
        });
        res.on('error', failed);
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', failed);
    req.write(head);
    let offset = 0;
    const pump = () => {
      while (offset < image.length) {
        const end = Math.min(offset + 64 * 1024, image.length);
        const more = req.write(image.subarray(offset, end));
        offset = end;
        if (!more) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(tail);
    };
    pump();
  });
}

/**
 * One POST /user (a `call` of lib/http.ts) of a fresh user named after its call id:
 * "<name> <id>", <id>@<domain>, with the given avatar.
 */
export function postUserCall(
  url: string,
  id: string,
  user: { name: string; domain: string; avatar: Buffer },
  agent: Agent,
): Promise<Call> {
  return call(url, {
    op: 'POST /user',
    id,
    method: 'POST',
    path: '/user',
    agent,
    headers: { 'Content-Type': MULTIPART_TYPE },
    body: formBody(`${user.name} ${id}`, `${id}@${user.domain}`, user.avatar),
  });
}
