// Empties a versioned bucket before destroy, as force_destroy does on AWS: every object version,
// then every delete marker.
import { DeleteObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { motoClientOptions } from './moto-client.ts';

/** Deletes every object version, then every delete marker, of the bucket; returns how many. */
export async function emptyVersionedBucket(
  endpoint: string,
  bucket: string,
): Promise<{ versions: number; markers: number }> {
  const s3 = new S3Client({ ...motoClientOptions(endpoint, 'us-east-1'), forcePathStyle: true });
  try {
    const versions: { Key?: string; VersionId?: string }[] = [];
    const markers: { Key?: string; VersionId?: string }[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
      versions.push(...(page.Versions ?? []));
      markers.push(...(page.DeleteMarkers ?? []));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
    for (const { Key, VersionId } of [...versions, ...markers])
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key, VersionId }));
    return { versions: versions.length, markers: markers.length };
  } finally {
    s3.destroy();
  }
}
