import Koa from 'koa';
import Router from '@koa/router';
import { randomUUID } from 'node:crypto';
import { createApp } from './src/app.ts';
import { createMetrics } from './src/http/metrics.ts';
import { createLogger } from './src/logger.ts';
const logger = createLogger('info', { sync: false });
if (process.env.MODE === 'app') {
  const deps = { settings: { TRUST_PROXY: false, AVATAR_MAX_BYTES: 1024, AVATAR_URL_MODE: 'presigned', AVATAR_URL_TTL: 60 }, logger, metrics: createMetrics(), lifecycle: { isShuttingDown: () => false } } as any;
  createApp(deps, 't').koa.listen(Number(process.env.PORT), '127.0.0.1');
} else {
  const koa = new Koa();
  const ops = new Router();
  ops.get('/status', (ctx) => { ctx.body = { result: 'success' }; });
  ops.get('/health', (ctx) => { ctx.body = { result: 'success' }; });
  ops.get('/ready', (ctx) => { ctx.body = { result: 'success' }; });
  ops.get('/metrics', (ctx) => { ctx.body = { result: 'success' }; });
  const api = new Router();
  for (let i = 0; i < 9; i++) api.get(`/other${i}/:x`, (ctx) => { ctx.body = 1; });
  const H = Object.entries({ 'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'", 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-store' });
  const m = createMetrics();
  if (process.env.MODE !== 'router') koa.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    const id = randomUUID(); ctx.state.requestId = id; ctx.res.setHeader('X-Request-Id', id);
    for (const [k, v] of H) ctx.res.setHeader(k, v);
    try { await next(); } catch (e) { ctx.status = 500; }
    if (logger.isLevelEnabled('info') && ctx.path !== '/status') logger.info({ a: 1 }, 'request');
    Number(process.hrtime.bigint() - started);
  });
  if (process.env.MODE === 'one-metrics') koa.use(m.middleware);
  if (process.env.MODE === 'bare') koa.use((ctx) => { ctx.body = { result: 'success' }; });
  koa.use(ops.routes());
  koa.use(api.routes());
  koa.use(api.allowedMethods());
  koa.listen(Number(process.env.PORT), '127.0.0.1');
}
process.on('SIGINT', () => process.exit(0));
