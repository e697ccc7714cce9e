import { expect } from 'chai';
import { locationFromRecord } from '../../src/geo/geo-record.ts';

describe('GeoIP record shapes', () => {
  it('reads flat DB-IP / ip-location-db records', () => {
    const record = { city: 'Mountain View', state1: 'California', state2: '', country_code: 'US' };
    expect(locationFromRecord(record)).to.deep.equal({
      city: 'Mountain View',
      state: 'California',
    });
  });

  it('reads nested MaxMind GeoLite2/GeoIP2 City records', () => {
    const record = {
      city: { geoname_id: 2643743, names: { en: 'London', de: 'London' } },
      subdivisions: [
        { iso_code: 'ENG', names: { en: 'England' } },
        { names: { en: 'Greater London' } },
      ],
      country: { iso_code: 'GB', names: { en: 'United Kingdom' } },
    };
    expect(locationFromRecord(record)).to.deep.equal({ city: 'London', state: 'England' });
  });

  it('gives empty strings for what a record lacks', () => {
    expect(locationFromRecord({ country: { iso_code: 'US' } })).to.deep.equal({
      city: '',
      state: '',
    });
    expect(
      locationFromRecord({ city: { names: { fr: 'Paris' } }, subdivisions: [] }),
    ).to.deep.equal({
      city: '',
      state: '',
    });
    expect(locationFromRecord(null)).to.deep.equal({ city: '', state: '' });
    expect(locationFromRecord('x')).to.deep.equal({ city: '', state: '' });
  });
});
