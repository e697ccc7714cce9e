// The shared-state paths of the OpenAPI document: GET /state, POST /update and GET /logs.
import { DEFAULT_LOG_PAGE, JSON_BODY_LIMIT, MAX_PAGE_SIZE, MESSAGE_MAX_LENGTH } from '../limits.ts';
import {
  errorResponse,
  json,
  common,
  unavailable,
  limitParameter,
  cursorParameter,
} from './parts.ts';

export const statePaths = {
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
} as const;
