import { S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { AvatarStore } from '../../src/aws/avatar-store.ts';

describe('presigned avatar URLs', () => {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://localhost:4566',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  after(() => {
    s3.destroy();
  });

  it('reuses a URL while over half its lifetime is left, then signs a fresh one', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = new AvatarStore({
      s3,
      s3Public: s3,
      bucket: 'avatars',
      region: 'us-east-1',
      publicEndpoint: 'http://localhost:4566',
      now: () => clock,
    });
    const first = await store.presign('avatars/a.png', 900);
    expect(first).to.match(/^http:\/\/localhost:4566\/avatars\/avatars\/a\.png\?/);
    expect(first).to.include('X-Amz-Date=20260101T000000Z').and.include('X-Amz-Expires=900');
    clock += 449_000;
    expect(await store.presign('avatars/a.png', 900)).to.equal(first);
    expect(await store.presign('avatars/b.png', 900)).to.not.equal(first);
    clock += 2_000;
    const renewed = await store.presign('avatars/a.png', 900);
    expect(renewed).to.not.equal(first);
    expect(renewed).to.include('X-Amz-Date=20260101T000731Z');
  });
});
