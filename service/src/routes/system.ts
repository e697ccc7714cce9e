// Operational endpoints: /status (the contract's check), /health (liveness: this process answers,
// nothing else is touched), /ready (readiness: dependencies reachable), /metrics (Prometheus).
import type Router from '@koa/router';
import type { AppDependencies } from '../app-dependencies.ts';
import { errorBody } from '../http/errors.ts';

export function registerSystemRoutes(router: Router, deps: AppDependencies): void {
  const { readiness, geo, lifecycle, metrics } = deps;

  router.get('/status', (ctx) => {
    ctx.body = { result: 'success' };
  });

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/ready', async (ctx) => {
    const requestId = String(ctx.state.requestId);
    if (lifecycle.isShuttingDown()) {
      ctx.status = 503;
      ctx.body = errorBody('shutting_down', 'the service is shutting down', requestId);
      return;
    }
    const report = await readiness.check();
    const geoStatus = geo.status();
    const checks: Record<string, string> = {};
    const failing: string[] = [];
    for (const [name, result] of Object.entries(report)) {
      checks[name] = result.ok ? 'ok' : result.reason;
      if (!result.ok) failing.push(name);
    }
    // GeoIP only affects /ip: reported, but it does not take the whole service out of rotation.
    checks.geoip = geoStatus.ok ? 'ok' : geoStatus.reason;
    if (failing.length > 0) {
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = {
        ...errorBody('not_ready', `unavailable: ${failing.join(', ')}`, requestId),
        checks,
      };
      return;
    }
    ctx.body = { status: geoStatus.ok ? 'ready' : 'degraded', checks };
  });

  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
}
