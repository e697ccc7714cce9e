// GET /ip: where the client that asked appears to be, from the GeoIP database.
import type Router from '@koa/router';
import type { AppDependencies } from '../app-dependencies.ts';
import { clientIp } from '../http/client-ip.ts';
import { HttpError, serviceUnavailable } from '../http/errors.ts';

export function registerIpRoutes(router: Router, deps: AppDependencies): void {
  const { geo, settings, logger } = deps;
  router.get('/ip', (ctx) => {
    const ip = clientIp({
      peer: ctx.req.socket.remoteAddress,
      forwardedFor: ctx.get('X-Forwarded-For') || undefined,
      trustProxy: settings.TRUST_PROXY,
    });
    if (!ip) throw new HttpError(400, 'bad_request', 'could not determine the client address');
    const result = geo.lookup(ip);
    if (!result.ok) {
      logger.warn({ reason: result.reason }, 'GeoIP lookup unavailable');
      throw serviceUnavailable('geoip_unavailable', 'the GeoIP database is unavailable');
    }
    ctx.body = { ip, city: result.location.city, state: result.location.state };
  });
}
