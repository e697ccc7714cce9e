import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { expect } from 'chai';
import { AvatarUrlSigner } from '../../src/aws/avatar-url-signer.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example-key' };

describe('avatar URL signer', () => {
  const clients = {
    'an emulator (path-style, with a port)': new S3Client({
      region: 'us-east-1',
      endpoint: 'http://localhost:4566',
      forcePathStyle: true,
      credentials,
    }),
    'AWS (virtual-hosted)': new S3Client({ region: 'eu-west-1', credentials }),
  };
  after(() => {
    for (const client of Object.values(clients)) client.destroy();
  });

  const keys = [
    'avatars/0b8e6c1e-7d3a-4c50-9a43-1f2b0c9d8e7f.png',
    "avatars/odd name (1)!'*~.png",
    'avatars/ünïcödé/+&=?#.webp',
  ];

  for (const [where, s3] of Object.entries(clients)) {
    it(`signs exactly the URL the SDK's getSignedUrl builds, for ${where}`, async () => {
      const signer = new AvatarUrlSigner(s3, 'avatars-bucket');
      const signingDate = new Date('2026-03-04T05:06:07Z');
      for (const key of keys) {
        const expected = await getSignedUrl(
          s3,
          new GetObjectCommand({ Bucket: 'avatars-bucket', Key: key }),
          { expiresIn: 900, signingDate },
        );
        expect(await signer.sign(key, 900, signingDate), key).to.equal(expected);
      }
    });
  }

  it("puts the bucket's endpoint, credential scope and expiry in the URL, and signs each date anew", async () => {
    const signer = new AvatarUrlSigner(clients['AWS (virtual-hosted)'], 'avatars-bucket');
    const url = new URL(await signer.sign('avatars/a.png', 60, new Date('2026-03-04T05:06:07Z')));
    expect(url.origin).to.equal('https://avatars-bucket.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).to.equal('/avatars/a.png');
    expect(url.searchParams.get('X-Amz-Credential')).to.equal(
      'AKIDEXAMPLE/20260304/eu-west-1/s3/aws4_request',
    );
    expect(url.searchParams.get('X-Amz-Expires')).to.equal('60');
    const later = new URL(await signer.sign('avatars/a.png', 60, new Date('2026-03-05T00:00:00Z')));
    expect(later.searchParams.get('X-Amz-Date')).to.equal('20260305T000000Z');
    expect(later.searchParams.get('X-Amz-Signature')).to.not.equal(
      url.searchParams.get('X-Amz-Signature'),
    );
  });
});
