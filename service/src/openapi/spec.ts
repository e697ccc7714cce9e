// The OpenAPI 3.1 document of every route. test/unit/openapi.test.ts fails when a route is
// missing here or a documented path is not routed. Every limit is the constant the code enforces
// (limits.ts); each area's paths are in their own module here.
import { components } from './components.ts';
import { docsPaths } from './docs-paths.ts';
import { statePaths } from './state-paths.ts';
import { systemPaths } from './system-paths.ts';
import { usersPaths } from './users-paths.ts';

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
    paths: { ...systemPaths, ...usersPaths, ...statePaths, ...docsPaths },
    components,
  } as const;
}
