// The pod as the chart renders it: `helm template` with values-kind.yaml and the image under test,
// read by src/chart/rendered-pod.ts.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { renderedPod, type RenderedPod } from '../chart/rendered-pod.ts';
import { fail } from './report.ts';

export interface RenderOptions {
  /** The helm binary. */
  helm: string;
  /** The chart's directory. */
  chart: string;
  /** --kube-version of helm template. */
  kubernetesVersion: string;
  /** The image under test, repository:tag. */
  image: string;
}

export function renderPod({ helm, chart, kubernetesVersion, image }: RenderOptions): RenderedPod {
  const colon = image.lastIndexOf(':');
  const text = execFileSync(
    helm,
    [
      'template',
      'sre-kit',
      chart,
      '--namespace',
      'sre-kit',
      '--kube-version',
      kubernetesVersion,
      '-f',
      join(chart, 'values-kind.yaml'),
      '--set',
      `image.repository=${image.slice(0, colon)}`,
      '--set-string',
      `image.tag=${image.slice(colon + 1)}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 },
  );
  try {
    return renderedPod(text);
  } catch (err) {
    return fail((err as Error).message);
  }
}
