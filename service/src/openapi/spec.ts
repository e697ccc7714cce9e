// The OpenAPI 3.1 document of every route. test/unit/openapi.test.ts fails when a route is
// missing here or a documented path is not routed. Every limit is the constant the code enforces.
import {
  CURSOR_PATTERN,
  DEFAULT_LOG_PAGE,
  EMAIL_MAX_LENGTH,
  JSON_BODY_LIMIT,
  LISTING_CONCURRENCY,
  MAX_CURSOR_LENGTH,
  MAX_PAGE_SIZE,
  MESSAGE_MAX_LENGTH,
  NAME_MAX_LENGTH,
} from '../limits.ts';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const json = (description: string, schema: object) => ({
  description,
  content: { 'application/json': { schema } },
});

const common = {
  '404': errorResponse('No such route'),
  '405': errorResponse('Method not allowed on this path (see the Allow header)'),
  '500': errorResponse('Unexpected server error (details are in the log, never in the response)'),
};

const unavailable = errorResponse('A dependency (DynamoDB, S3) is unavailable; retry later');

const limitParameter = (description: string) => ({
  name: 'limit',
  in: 'query',
  required: false,
  description,
  schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
});

const cursorParameter = {
  name: 'cursor',
  in: 'query',
  required: false,
  description:
    'Opaque cursor from a previous page (next_cursor, or the Link header); any other value is answered 400',
  schema: { type: 'string', pattern: CURSOR_PATTERN.source, maxLength: MAX_CURSOR_LENGTH },
};

export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'sre-kit API',
      version,
      description:
        'Users with avatars (DynamoDB + S3), GeoIP lookup, and a shared state with an audit log. ' +
        'Every error body is {"error":{"code","message","request_id"}}.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'system', description: 'Status, health, readiness and metrics' },
      { name: 'users', description: 'Users with avatar images' },
      { name: 'state', description: 'Shared state and its audit log' },
      { name: 'docs', description: 'This document and Swagger UI' },
    ],
    paths: {
      '/status': {
        get: {
          tags: ['system'],
          operationId: 'getStatus',
          summary: 'Always {"result":"success"} while the process serves',
          responses: {
            '200': json('Service is up', {
              type: 'object',
              properties: { result: { const: 'success' } },
              required: ['result'],
              additionalProperties: false,
            }),
            ...common,
          },
        },
      },
      '/health': {
        get: {
          tags: ['system'],
          operationId: 'getHealth',
          summary: 'Liveness: the process answers; no dependency is touched',
          responses: {
            '200': json('Alive', {
              type: 'object',
              properties: { status: { const: 'ok' } },
              required: ['status'],
            }),
            ...common,
          },
        },
      },
      '/ready': {
        get: {
          tags: ['system'],
          operationId: 'getReady',
          summary: 'Readiness: both tables and the bucket answer (cached a few seconds)',
          responses: {
            '200': json('Ready (degraded when only the GeoIP database is unavailable)', {
              $ref: '#/components/schemas/Readiness',
            }),
            '503': json('Not ready, or shutting down; each failing dependency is named', {
              allOf: [
                { $ref: '#/components/schemas/Error' },
                {
                  type: 'object',
                  properties: { checks: { $ref: '#/components/schemas/Checks' } },
                },
              ],
            }),
            ...common,
          },
        },
      },
      '/metrics': {
        get: {
          tags: ['system'],
          operationId: 'getMetrics',
          summary: 'Prometheus metrics',
          responses: {
            '200': {
              description: 'Prometheus text exposition format',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            ...common,
          },
        },
      },
      '/ip': {
        get: {
          tags: ['system'],
          operationId: 'getIp',
          summary:
            'City and state of the client address (TCP peer, or X-Forwarded-For with TRUST_PROXY)',
          responses: {
            '200': json('Location; empty strings when the address has no record', {
              type: 'object',
              properties: {
                ip: { type: 'string' },
                city: { type: 'string' },
                state: { type: 'string' },
              },
              required: ['ip', 'city', 'state'],
              additionalProperties: false,
            }),
            '400': errorResponse('The client address could not be determined'),
            '503': errorResponse('The GeoIP database is missing or corrupt'),
            ...common,
          },
        },
      },
      '/users': {
        get: {
          tags: ['users'],
          operationId: 'listUsers',
          summary: 'Users; with ?limit, one page and a Link rel="next" header when more exist',
          description:
            'Without ?limit every user, streamed page by page. A failure after the first page ' +
            'ends the response early (the chunked body has no final chunk and the array no ' +
            'closing bracket): a client sees a transfer error, never a shorter list. Up to ' +
            `${String(LISTING_CONCURRENCY)} full listings run at once per instance; one more waits ` +
            'up to 2 s, then gets 503 listing_capacity with Retry-After.',
          parameters: [
            limitParameter(`Page size (1-${MAX_PAGE_SIZE}); without it, every user`),
            cursorParameter,
          ],
          responses: {
            '200': {
              description: 'Users',
              headers: {
                Link: {
                  description: '<...>; rel="next" when another page exists',
                  schema: { type: 'string' },
                },
              },
              content: {
                'application/json': {
                  schema: { type: 'array', items: { $ref: '#/components/schemas/User' } },
                },
              },
            },
            '400': errorResponse('Invalid limit or cursor'),
            '503': unavailable,
            ...common,
          },
        },
      },
      '/user': {
        post: {
          tags: ['users'],
          operationId: 'createUser',
          summary: 'Create a user with an avatar image',
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: {
                    name: { type: 'string', minLength: 1, maxLength: NAME_MAX_LENGTH },
                    email: { type: 'string', format: 'email', maxLength: EMAIL_MAX_LENGTH },
                    avatar: {
                      type: 'string',
                      minLength: 1,
                      contentMediaType: 'application/octet-stream',
                      description:
                        'PNG, JPEG, GIF or WebP, decided by its bytes; at most AVATAR_MAX_BYTES',
                    },
                  },
                  required: ['name', 'email', 'avatar'],
                },
                encoding: {
                  avatar: { contentType: 'image/png, image/jpeg, image/gif, image/webp' },
                },
              },
            },
          },
          responses: {
            '201': json('Created', { $ref: '#/components/schemas/User' }),
            '400': errorResponse('A field is missing or invalid (the message names it)'),
            '409': errorResponse('The email is already registered'),
            '413': errorResponse('The avatar is larger than AVATAR_MAX_BYTES'),
            '415': errorResponse('Not multipart/form-data, or the avatar is not PNG/JPEG/GIF/WebP'),
            '503': errorResponse(
              'DynamoDB or S3 is unavailable (dependency_unavailable), or uploads in progress ' +
                'already hold UPLOAD_TMP_MAX_BYTES of temporary space (upload_capacity); ' +
                'retry after Retry-After seconds',
            ),
            ...common,
          },
        },
      },
      '/state': {
        get: {
          tags: ['state'],
          operationId: 'getState',
          summary: 'The shared state and the uptime of this instance',
          responses: {
            '200': json('State', { $ref: '#/components/schemas/State' }),
            '503': unavailable,
            ...common,
          },
        },
      },
      '/update': {
        post: {
          tags: ['state'],
          operationId: 'updateState',
          summary: 'Change the shared state (API key required); every change is logged',
          security: [{ ApiKey: [] }, { XApiKey: [] }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    counter: {
                      type: 'integer',
                      minimum: Number.MIN_SAFE_INTEGER,
                      maximum: Number.MAX_SAFE_INTEGER,
                    },
                    message: { type: 'string', maxLength: MESSAGE_MAX_LENGTH },
                  },
                  minProperties: 1,
                  additionalProperties: false,
                },
              },
            },
          },
          responses: {
            '200': json('The new state', { $ref: '#/components/schemas/State' }),
            '400': errorResponse('Invalid JSON or fields'),
            '401': errorResponse('Missing or wrong API key'),
            '409': errorResponse('Too much contention on the state; retry'),
            '413': errorResponse(`Body larger than ${JSON_BODY_LIMIT}`),
            '415': errorResponse('Not application/json'),
            '503': errorResponse('API_KEY is not configured, or DynamoDB is unavailable'),
            ...common,
          },
        },
      },
      '/logs': {
        get: {
          tags: ['state'],
          operationId: 'listLogs',
          summary: 'Audit entries of the shared state, newest first',
          parameters: [
            limitParameter(`Page size (1-${MAX_PAGE_SIZE}, default ${DEFAULT_LOG_PAGE})`),
            cursorParameter,
          ],
          responses: {
            '200': json('A page of entries', {
              type: 'object',
              properties: {
                items: { type: 'array', items: { $ref: '#/components/schemas/AuditEntry' } },
                next_cursor: { type: ['string', 'null'] },
              },
              required: ['items', 'next_cursor'],
              additionalProperties: false,
            }),
            '400': errorResponse('Invalid limit or cursor'),
            '503': unavailable,
            ...common,
          },
        },
      },
      '/openapi.json': {
        get: {
          tags: ['docs'],
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: {
            '200': json('OpenAPI 3.1 document', { type: 'object' }),
            ...common,
          },
        },
      },
      '/swagger': {
        get: {
          tags: ['docs'],
          operationId: 'getSwaggerUi',
          summary: 'Swagger UI (served from local assets, works offline)',
          responses: {
            '200': {
              description: 'HTML page',
              content: { 'text/html': { schema: { type: 'string' } } },
            },
            ...common,
          },
        },
      },
      '/swagger/{asset}': {
        get: {
          tags: ['docs'],
          operationId: 'getSwaggerAsset',
          summary: 'Swagger UI scripts and styles',
          parameters: [{ name: 'asset', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'Asset',
              content: {
                'application/javascript': { schema: { type: 'string' } },
                'text/css': { schema: { type: 'string' } },
              },
            },
            ...common,
          },
        },
      },
    },
    components: {
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'API-Key' },
        XApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                request_id: { type: 'string' },
              },
              required: ['code', 'message', 'request_id'],
              additionalProperties: false,
            },
          },
          required: ['error'],
        },
        Checks: {
          type: 'object',
          description: '"ok", or why the dependency failed',
          additionalProperties: { type: 'string' },
        },
        Readiness: {
          type: 'object',
          properties: {
            status: { enum: ['ready', 'degraded'] },
            checks: { $ref: '#/components/schemas/Checks' },
          },
          required: ['status', 'checks'],
        },
        User: {
          type: 'object',
          properties: {
            avatar_url: { type: 'string' },
            email: { type: 'string' },
            name: { type: 'string' },
          },
          required: ['avatar_url', 'email', 'name'],
          additionalProperties: false,
        },
        State: {
          type: 'object',
          properties: {
            counter: { type: 'integer' },
            message: { type: 'string' },
            updated_at: { type: ['string', 'null'], format: 'date-time' },
            uptime_seconds: { type: 'integer', minimum: 0 },
          },
          required: ['counter', 'message', 'updated_at', 'uptime_seconds'],
          additionalProperties: false,
        },
        AuditEntry: {
          type: 'object',
          properties: {
            version: { type: 'integer', minimum: 1 },
            counter: { type: 'integer' },
            message: { type: 'string' },
            updated_at: { type: 'string', format: 'date-time' },
            request_id: { type: 'string' },
          },
          required: ['version', 'counter', 'message', 'updated_at', 'request_id'],
          additionalProperties: false,
        },
      },
    },
  } as const;
}
