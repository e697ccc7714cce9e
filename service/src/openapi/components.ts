// The security schemes and shared schemas of the OpenAPI document.

export const components = {
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
} as const;
