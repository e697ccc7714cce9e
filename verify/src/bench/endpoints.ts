// The service's endpoints under autocannon: the seeded users, GET /ip, GET /users?limit=100 and
// POST /user with a 64 KiB avatar, each a row of the report's table.
import type autocannon from 'autocannon';
import { formBody, MULTIPART_TYPE, pngOfSize, postUser } from '../lib/upload.ts';
import { measure, type Load, type Row } from './measure.ts';
import { round1 } from './settings.ts';

export interface Seeded {
  created: number;
  failed: number;
  seconds: number;
}

/** count users posted through the service, 16 at a time, each with a 2 KiB PNG. */
export async function seedUsers(url: string, count: number): Promise<Seeded> {
  const image = pngOfSize(2048);
  const started = performance.now();
  let next = 0;
  let created = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const outcome = await postUser(
        url,
        { name: `Seed User ${n}`, email: `seed-${n}@bench.example` },
        image,
      );
      if (outcome.status === 201) created++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { created, failed, seconds: round1((performance.now() - started) / 1000) };
}

/**
 * POST /user loads with a 64 KiB PNG, for any server URL: every request a new user, numbered
 * across every load the returned function makes.
 */
export function postUserLoads(): (url: string) => Load & { method: 'POST' } {
  const avatar = pngOfSize(64 * 1024);
  let uploads = 0;
  return (url) => ({
    url,
    path: '/user',
    method: 'POST',
    requests: [
      {
        method: 'POST',
        path: '/user',
        headers: { 'content-type': MULTIPART_TYPE },
        setupRequest: (request: autocannon.Request) => {
          const n = uploads++;
          return {
            ...request,
            body: formBody(`Bench User ${n}`, `bench-${n}-${process.pid}@bench.example`, avatar),
          };
        },
      },
    ],
  });
}

/** GET /ip, GET /users?limit=100 and POST /user of the service, one run each. */
export async function measureEndpoints(
  service: { url: string; pid: number },
  postUserLoad: (url: string) => Load,
): Promise<{ rows: Row[]; postUser: Row }> {
  const rows: Row[] = [];
  rows.push(
    await measure('service /ip', 'service', service.pid, { url: service.url, path: '/ip' }),
  );
  rows.push(
    await measure('service /users?limit=100', 'service', service.pid, {
      url: service.url,
      path: '/users?limit=100',
    }),
  );
  const postUser = await measure(
    'service POST /user (64 KiB PNG)',
    'service',
    service.pid,
    postUserLoad(service.url),
  );
  rows.push(postUser);
  return { rows, postUser };
}
