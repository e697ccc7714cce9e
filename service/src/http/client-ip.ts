// The address of the client that asked. By default the TCP peer; with TRUST_PROXY=true the
// address that the nearest proxy put in X-Forwarded-For (its last entry: earlier entries are
// whatever the client claimed and can be forged).
import { isIP } from 'node:net';

/** Strips an IPv4-mapped IPv6 prefix and brackets/ports a proxy may have written. */
export function normalizeIp(raw: string): string | undefined {
  let value = raw.trim();
  if (value.startsWith('[')) value = value.slice(1, value.indexOf(']'));
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value))
    value = value.slice(0, value.lastIndexOf(':'));
  if (value.toLowerCase().startsWith('::ffff:') && isIP(value.slice(7)) === 4)
    value = value.slice(7);
  return isIP(value) ? value : undefined;
}

export function clientIp(input: {
  peer: string | undefined;
  forwardedFor: string | undefined;
  trustProxy: boolean;
}): string | undefined {
  if (input.trustProxy && input.forwardedFor) {
    const hops = input.forwardedFor.split(',').filter((hop) => hop.trim() !== '');
    const nearest = hops.at(-1);
    const ip = nearest === undefined ? undefined : normalizeIp(nearest);
    if (ip) return ip;
  }
  return input.peer === undefined ? undefined : normalizeIp(input.peer);
}
