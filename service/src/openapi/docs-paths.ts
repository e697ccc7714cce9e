// The paths that serve the OpenAPI document itself and Swagger UI.
import { json, common } from './parts.ts';

export const docsPaths = {
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
} as const;
