// The app factory: a Koa app from its dependencies, with no globals and no I/O of its own, so
// tests build it with whatever clients, clock and GeoIP reader they need.
import Router from '@koa/router';
import Koa from 'koa';
import type { AppDependencies } from './app-dependencies.ts';
import { requestPipeline } from './http/request-context.ts';
import { staticRoutes } from './http/static-routes.ts';
import { openApiDocument } from './openapi/spec.ts';
import { registerDocsRoutes } from './routes/docs.ts';
import { registerIpRoutes } from './routes/ip.ts';
import { registerStateRoutes } from './routes/state.ts';
import { registerSystemRoutes } from './routes/system.ts';
import { registerUserRoutes } from './routes/users.ts';

export interface App {
  koa: Koa;
  /** Every route is declared on these: operational routes first, then the API. */
  routers: Router[];
}

export function createApp(deps: AppDependencies, version: string): App {
  const koa = new Koa();
  const operations = new Router();
  registerSystemRoutes(operations, deps);
  const api = new Router();
  registerIpRoutes(api, deps);
  registerUserRoutes(api, deps);
  registerStateRoutes(api, deps);
  registerDocsRoutes(api, openApiDocument(version));

  // Koa's own error printing is replaced by the JSON error boundary and the pino logger.
  koa.silent = true;
  koa.use(requestPipeline(deps.logger, deps.metrics, deps.tracing));
  // Routes without parameters by exact path; the routers serve everything else.
  koa.use(staticRoutes([operations, api]));
  koa.use(operations.routes());
  koa.use(api.routes());
  // One answer for a known path with a wrong method, whichever router matched the path.
  koa.use(api.allowedMethods());
  return { koa, routers: [operations, api] };
}
