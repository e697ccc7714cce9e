// Uploads in progress are spooled to /tmp, which in the pod is a tmpfs counted in the memory
// limit: 20 concurrent uploads of the largest avatar must neither overflow /tmp nor get the
// container killed. Each is created (201) or, past UPLOAD_TMP_MAX_BYTES, refused with 503
// upload_capacity, and the spool is back to 0 once all are answered.
import { FORM_OVERHEAD_BYTES } from '../../../service/src/limits.ts';
import { state, stateText } from './docker.ts';
import { probeOnce, type Answer, type ProbedApp } from './probes.ts';
import { fail, log } from './report.ts';

const UPLOADS = 20;

export async function checkUploadCapacity(
  app: ProbedApp,
  env: Record<string, string>,
): Promise<void> {
  const avatarMax = Number(env.AVATAR_MAX_BYTES);
  const tmpMax = Number(env.UPLOAD_TMP_MAX_BYTES);
  if (!(avatarMax > 8 && tmpMax > 0))
    fail('the ConfigMap sets no AVATAR_MAX_BYTES / UPLOAD_TMP_MAX_BYTES');
  // The PNG signature, then zeros up to the largest size the service accepts.
  const avatar = new Uint8Array(avatarMax);
  avatar.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const uploads = await Promise.all(
    Array.from({ length: UPLOADS }, async (_, n): Promise<Answer> => {
      const form = new FormData();
      form.set('name', 'Load');
      form.set('email', `load-${n + 1}-${process.pid}@example.com`);
      form.set('avatar', new Blob([avatar], { type: 'image/png' }), 'avatar.png');
      try {
        const res = await fetch(`${app.base}/user`, {
          method: 'POST',
          body: form,
          signal: AbortSignal.timeout(120_000),
        });
        return { code: String(res.status), body: await res.text() };
      } catch {
        return { code: '000', body: '' };
      }
    }),
  );
  let created = 0;
  let refused = 0;
  uploads.forEach(({ code, body }, n) => {
    if (code === '201') created++;
    else if (code === '503' && body.includes('"upload_capacity"')) refused++;
    else
      fail(
        `upload ${n + 1} of ${UPLOADS} concurrent ${avatarMax}-byte avatars -> ${code} ${body.slice(0, 300)}`,
      );
  });
  const fit = Math.min(UPLOADS, Math.floor(tmpMax / (avatarMax + FORM_OVERHEAD_BYTES)));
  if (created < fit)
    fail(
      `only ${created} of ${UPLOADS} concurrent uploads were created; UPLOAD_TMP_MAX_BYTES=${tmpMax} holds ${fit}`,
    );
  if (state(app.container) !== 'true false')
    fail(
      `the container did not survive ${UPLOADS} concurrent uploads: ${stateText(app.container)}`,
    );
  const metrics = await probeOnce(app.base, '/metrics', 5);
  const spooled = /^avatar_upload_tmp_bytes (.*)$/m.exec(metrics.body)?.[1] ?? '';
  if (metrics.code !== '200' || spooled !== '0')
    fail(
      `GET /metrics -> ${metrics.code}, avatar_upload_tmp_bytes '${spooled}', want 0 once the uploads are answered`,
    );
  log(
    `ok   ${UPLOADS} concurrent ${avatarMax}-byte uploads: ${created} created, ${refused} refused with 503 upload_capacity; container still running, not OOM-killed; /tmp spool back to 0`,
  );
}
