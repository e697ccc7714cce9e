// Pieces the paths of the OpenAPI document share: error and JSON responses, the answers every
// route may give, and the paging parameters.
import { CURSOR_PATTERN, MAX_CURSOR_LENGTH, MAX_PAGE_SIZE } from '../limits.ts';

export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

export const json = (description: string, schema: object) => ({
  description,
  content: { 'application/json': { schema } },
});

export const common = {
  '404': errorResponse('No such route'),
  '405': errorResponse('Method not allowed on this path (see the Allow header)'),
  '500': errorResponse('Unexpected server error (details are in the log, never in the response)'),
};

export const unavailable = errorResponse('A dependency (DynamoDB, S3) is unavailable; retry later');

export const limitParameter = (description: string) => ({
  name: 'limit',
  in: 'query',
  required: false,
  description,
  schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
});

export const cursorParameter = {
  name: 'cursor',
  in: 'query',
  required: false,
  description:
    'Opaque cursor from a previous page (next_cursor, or the Link header); any other value is answered 400',
  schema: { type: 'string', pattern: CURSOR_PATTERN.source, maxLength: MAX_CURSOR_LENGTH },
};
