// The operational paths of the OpenAPI document: status, health, readiness, metrics, and /ip.
import { common, errorResponse, json } from './parts.ts';

export const systemPaths = {
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
} as const;
