// The users paths of the OpenAPI document: GET /users (paged or streamed) and POST /user.
import {
  EMAIL_MAX_LENGTH,
  LISTING_CONCURRENCY,
  MAX_PAGE_SIZE,
  NAME_MAX_LENGTH,
} from '../limits.ts';
import {
  errorResponse,
  json,
  common,
  unavailable,
  limitParameter,
  cursorParameter,
} from './parts.ts';

export const usersPaths = {
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
} as const;
