// Exact-path dispatch for the routers' static routes (/status, /health, /users, ...), in front of
// the routers themselves.
//
// @koa/router matches every request against each route's regular expression, reads the Host
// header, and composes the matched handlers anew on each request: about 5 µs of CPU on this
// service's hottest path, a quarter of what bare Koa spends on a whole request. Routes without
// parameters need none of that: their handlers are composed once, here, and found with one map
// lookup. The routers stay the single place where routes are declared, and still serve every
// request this index does not answer exactly: parametric routes, a path in another case or with
// a trailing slash (which the router matches too), and wrong methods (405 with Allow).
import type Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import compose from 'koa-compose';

type Handler = (ctx: Context, next: Next) => Promise<unknown>;

/** What @koa/router sets on the context for a matched route, which handlers and metrics read. */
interface RouteContext {
  _matchedRoute?: string;
  routerPath?: string;
  params?: Record<string, string>;
}

/** A path the router matches only as itself: no parameters, wildcards or groups. */
const LITERAL_PATH = /^\/[A-Za-z0-9._~\-/]*$/;

/**
 * Method and path of every static route, each to its composed handlers. A route is left to the
 * routers when any other route also matches its path for that method (a parametric one, or a
 * second declaration), because the router would run them all.
 */
export function staticRouteTable(routers: Router[]): Map<string, Map<string, Handler>> {
  const table = new Map<string, Map<string, Handler>>();
  const layers = routers.flatMap((router) => router.stack);
  for (const router of routers) {
    // A host filter, or middleware mounted with router.use(), would be skipped by a direct
    // dispatch: such a router is left entirely to itself.
    if (router.opts.host !== undefined) continue;
    if (router.stack.some((layer) => layer.methods.length === 0)) continue;
    for (const layer of router.stack) {
      const { path } = layer;
      if (typeof path !== 'string' || layer.paramNames.length > 0 || !LITERAL_PATH.test(path))
        continue;
      const handler = compose(layer.stack as Middleware[]) as Handler;
      for (const method of layer.methods) {
        const shared = layers.some(
          (other) => other !== layer && other.methods.includes(method) && other.match(path),
        );
        if (shared) continue;
        let methods = table.get(path);
        if (!methods) table.set(path, (methods = new Map<string, Handler>()));
        methods.set(method, handler);
      }
    }
  }
  return table;
}

/** Middleware that answers a request for a static route directly, and passes on the rest. */
export function staticRoutes(routers: Router[]): Middleware {
  const table = staticRouteTable(routers);
  return function dispatchStaticRoute(ctx: Context, next: Next) {
    const handler = table.get(ctx.path)?.get(ctx.method);
    if (!handler) return next();
    const route = ctx as Context & RouteContext;
    route._matchedRoute = ctx.path;
    route.routerPath = ctx.path;
    route.params = {};
    return handler(ctx, next);
  };
}
