import { expect } from 'chai';
import { ConfigError, ENV_VARIABLES, loadConfig } from '../../src/config.ts';

const required = { USERS_TABLE: 'users', STATE_TABLE: 'state', AVATARS_BUCKET: 'avatars' };

describe('config', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(required);
    expect(config).to.include({
      PORT: 8080,
      AWS_REGION: 'us-east-1',
      TRUST_PROXY: false,
      AVATAR_MAX_BYTES: 5 * 1024 * 1024,
      UPLOAD_TMP_MAX_BYTES: 128 * 1024 * 1024,
      AVATAR_URL_MODE: 'presigned',
      AVATAR_URL_TTL: 900,
      SHUTDOWN_TIMEOUT_MS: 10000,
      LOG_LEVEL: 'info',
    });
    expect(config.API_KEY).to.equal(undefined);
    expect(config.AWS_ENDPOINT_URL).to.equal(undefined);
  });

  it('parses every kind of value', () => {
    const config = loadConfig({
      ...required,
      PORT: '9000',
      AWS_ENDPOINT_URL: 'http://localhost:4566/',
      TRUST_PROXY: 'true',
      GEOIP_DB_PATH: '/a.mmdb, /b.mmdb',
      AVATAR_URL_MODE: 'public',
      API_KEY: 'k'.repeat(16),
    });
    expect(config.PORT).to.equal(9000);
    expect(config.AWS_ENDPOINT_URL).to.equal('http://localhost:4566');
    expect(config.TRUST_PROXY).to.equal(true);
    expect(config.GEOIP_DB_PATH).to.deep.equal(['/a.mmdb', '/b.mmdb']);
    expect(config.AVATAR_URL_MODE).to.equal('public');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ...required, API_KEY: '', PORT: ' ' }).PORT).to.equal(8080);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        AWS_REGION: 'mars',
        AWS_ENDPOINT_URL: 'ftp://x',
        TRUST_PROXY: 'maybe',
        AVATAR_URL_MODE: 'open',
        AVATAR_MAX_BYTES: '0',
        API_KEY: 'short',
      });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'AWS_REGION',
      'AWS_ENDPOINT_URL',
      'USERS_TABLE',
      'STATE_TABLE',
      'AVATARS_BUCKET',
      'TRUST_PROXY',
      'AVATAR_URL_MODE',
      'AVATAR_MAX_BYTES',
      'API_KEY',
    ]) {
      expect(problems).to.match(new RegExp(`^${name} `, 'm'));
    }
    expect(problems).to.include('USERS_TABLE is required');
  });

  it('refuses a temporary-space budget smaller than one largest avatar, naming both variables', () => {
    expect(() =>
      loadConfig({ ...required, AVATAR_MAX_BYTES: '2048', UPLOAD_TMP_MAX_BYTES: '2047' }),
    )
      .to.throw(ConfigError)
      .with.property('problems')
      .that.deep.equals([
        'UPLOAD_TMP_MAX_BYTES must be at least AVATAR_MAX_BYTES (2048), or no avatar of the largest size could be uploaded',
      ]);
    expect(
      loadConfig({ ...required, AVATAR_MAX_BYTES: '2048', UPLOAD_TMP_MAX_BYTES: '2048' })
        .UPLOAD_TMP_MAX_BYTES,
    ).to.equal(2048);
  });

  it('lists the whole contract', () => {
    expect(ENV_VARIABLES).to.include.members(['PORT', 'API_KEY', 'S3_PUBLIC_ENDPOINT']);
  });
});
