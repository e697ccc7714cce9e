// City and state from a GeoIP record, whichever layout the database uses: DB-IP / ip-location-db
// records are flat ({ city, state1 }); MaxMind GeoLite2/GeoIP2 City records are nested
// ({ city: { names: { en } }, subdivisions: [{ names: { en } }] }).

export interface Location {
  city: string;
  state: string;
}

type Names = { names?: Record<string, unknown> } | undefined;

const asString = (value: unknown): string => (typeof value === 'string' ? value : '');

const englishName = (value: unknown): string => {
  if (typeof value !== 'object' || value === null) return '';
  const names = (value as Names)?.names;
  return asString(names?.en);
};

export function locationFromRecord(record: unknown): Location {
  if (typeof record !== 'object' || record === null) return { city: '', state: '' };
  const fields = record as Record<string, unknown>;
  const city = typeof fields.city === 'string' ? fields.city : englishName(fields.city);
  let state = asString(fields.state1);
  if (!state && Array.isArray(fields.subdivisions)) state = englishName(fields.subdivisions[0]);
  return { city, state };
}
