// Every limit a client or an operator can run into, in one place: the routes and the domain
// enforce these, the OpenAPI document states them and the configuration's bounds come from here,
// so the three cannot disagree.

/** Largest page of GET /users?limit and GET /logs. */
export const MAX_PAGE_SIZE = 100;
/** Page of GET /logs when no limit is given. */
export const DEFAULT_LOG_PAGE = 20;

/** Opaque cursors: anything longer, or of other characters, is refused before it is decoded. */
export const MAX_CURSOR_LENGTH = 2048;
export const CURSOR_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Body of POST /update (koa-body's notation). */
export const JSON_BODY_LIMIT = '16kb';
/** The shared state's message. */
export const MESSAGE_MAX_LENGTH = 1000;

/** A user's display name, in characters. */
export const NAME_MAX_LENGTH = 100;
/** A user's email, in characters. */
export const EMAIL_MAX_LENGTH = 254;

/** Room for the name and email parts and multipart framing on top of the avatar itself. */
export const FORM_OVERHEAD_BYTES = 64 * 1024;
/** Parts of the POST /user form: a few more than name and email, so extras read as extras. */
export const FORM_MAX_FIELDS = 10;

/** AVATAR_MAX_BYTES: the largest avatar an operator may allow, and the default. */
export const AVATAR_MAX_BYTES_RANGE = {
  min: 1024,
  max: 100 * 1024 * 1024,
  default: 5 * 1024 * 1024,
} as const;
/** UPLOAD_TMP_MAX_BYTES: /tmp held by all uploads in progress together, and the default. */
export const UPLOAD_TMP_MAX_BYTES_RANGE = {
  min: 1024,
  max: 64 * 1024 * 1024 * 1024,
  default: 128 * 1024 * 1024,
} as const;

/** Presigned URLs kept for reuse: at most this many, each while over half its lifetime is left. */
export const PRESIGN_CACHE_SIZE = 10_000;

/** Users per scan call of a full GET /users listing. */
export const LISTING_PAGE_SIZE = 1000;
/** Users presented (avatar URLs signed) at once, and written as one chunk. */
export const LISTING_BATCH_SIZE = 100;
/**
 * Full listings in progress at once. What one holds is bounded (two pages and a batch, a few MiB),
 * so this bounds their memory together; they share the process's CPU, each going slower as more
 * run. `make bench` measures 8 at once on a 100,000-user table.
 */
export const LISTING_CONCURRENCY = 16;
/**
 * Scan calls in flight for all listings together; a listing waits for its turn before each page
 * read, without a time limit. The wait is in the process, not in the SDK's 5 s request timeout
 * (AWS_REQUEST_TIMEOUT_MS): a table that answers slowly, or serves one scan at a time as moto
 * does, answers each call in time, and the listings take turns. On DynamoDB a 1,000-item page
 * takes tens of milliseconds: four in flight outrun what the process can present.
 */
export const LISTING_PAGE_READS = 4;
/** How long a listing beyond LISTING_CONCURRENCY waits for a slot before it is refused. */
export const LISTING_WAIT_MS = 2000;
