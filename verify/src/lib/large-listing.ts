// A users table of a grown service, written straight to DynamoDB with batch writes (minutes for
// 100,000 users, where POST /user would take hours), and full GET /users listings of it read the
// way a client reads them: the whole body, parsed, every user counted.
import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';

const BATCH = 25;
const WRITERS = 8;

/** Writes `count` users (seed-<n>@large.example) whose avatar objects are under `objectUrlBase`. */
export async function seedUsersTable(
  dynamo: DynamoDBClient,
  table: string,
  count: number,
  objectUrlBase: string,
): Promise<{ seconds: number }> {
  const started = performance.now();
  let next = 0;
  const item = (n: number) => {
    const key = `avatars/seed-${String(n).padStart(8, '0')}.png`;
    return {
      email: { S: `seed-${n}@large.example` },
      name: { S: `Seed User ${n}` },
      avatar_key: { S: key },
      avatar_url: { S: `${objectUrlBase}/${key}` },
      avatar_content_type: { S: 'image/png' },
      created_at: { S: new Date(0).toISOString() },
    };
  };
  const writer = async () => {
    while (next < count) {
      const first = next;
      next = Math.min(count, next + BATCH);
      let requests = Array.from({ length: next - first }, (_, i) => ({
        PutRequest: { Item: item(first + i) },
      }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 10) throw new Error(`batch write of users ${first}.. kept being refused`);
        const result = await dynamo.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: requests } }),
        );
        requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
        if (requests.length > 0) await sleep(50 * (attempt + 1));
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  return { seconds: (performance.now() - started) / 1000 };
}

export interface Listing {
  status: number;
  /** Users in a body that parsed as a JSON array; undefined when it did not (or was cut off). */
  users: number | undefined;
  bytes: number;
  seconds: number;
  /** Why the body could not be read in full, if it could not. */
  error?: string;
  /** For an answer other than 200: the error code of its JSON body, and its Retry-After. */
  code?: string;
  retryAfter?: string;
}

/** One full GET /users: the whole body, parsed as JSON. */
export async function listAllUsers(baseUrl: string): Promise<Listing> {
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  let status = 0;
  try {
    const response = await fetch(`${baseUrl}/users`);
    status = response.status;
    const text = await response.text();
    let users: number | undefined;
    try {
      const parsed = JSON.parse(text) as unknown;
      users = Array.isArray(parsed) ? parsed.length : undefined;
    } catch {
      users = undefined;
    }
    const listing: Listing = { status, users, bytes: Buffer.byteLength(text), seconds: seconds() };
    if (status !== 200) {
      listing.code = errorCode(text);
      listing.retryAfter = response.headers.get('retry-after') ?? undefined;
    }
    return listing;
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return {
      status,
      users: undefined,
      bytes: 0,
      seconds: seconds(),
      error: `${(err as Error).message}${cause ? ` (${cause})` : ''}`,
    };
  }
}

function errorCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
