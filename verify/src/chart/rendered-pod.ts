// The API pod as `helm template` renders it, reduced to what `docker run` can reproduce: the
// container's env (envFrom ConfigMap + env entries, secretKeyRef resolved from the rendered
// Secret), user/group and fsGroup, read-only root, emptyDirs as tmpfs of their sizeLimit, dropped
// capabilities, no-new-privileges, CPU/memory limits, the probes and the grace period; and the
// helm test pod's command. Used by src/pod/render.ts.
import { parseAllDocuments } from 'yaml';

export interface Probe {
  path: string;
  period: number;
  timeout: number;
  failure: number;
  success: number;
}

export interface PodSettings {
  image: string;
  /** `uid` or `uid:gid`, as docker run --user takes it. */
  user: string;
  fsGroup: number | null;
  readOnly: boolean;
  dropAll: boolean;
  noNewPrivileges: boolean;
  seccomp: string | null;
  /** docker run --tmpfs values: `<mount path>:rw,mode=1777[,size=<sizeLimit>]`. */
  tmpfs: string[];
  /** docker run --memory value, or '' without a limit. */
  memory: string;
  /** docker run --cpus value, or '' without a limit. */
  cpus: string;
  port: number;
  startup: Probe;
  liveness: Probe;
  readiness: Probe;
  grace: number;
  emulatorHost: string;
  emulatorPort: number;
  usersTable: string;
  stateTable: string;
  bucket: string;
  region: string;
}

export interface TestPod {
  image: string;
  command: string[];
  env: Record<string, string>;
}

export interface RenderedPod {
  settings: PodSettings;
  env: Record<string, string>;
  testPod: TestPod | null;
}

// The few Kubernetes fields read here; everything else of the manifests is ignored.
interface HttpProbe {
  httpGet: { path: string };
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}
interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  fsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[] };
  seccompProfile?: { type?: string };
}
interface Container {
  image: string;
  command?: string[];
  envFrom?: { configMapRef: { name: string } }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef: { name: string; key: string } };
  }[];
  ports: { name: string; containerPort: number }[];
  securityContext?: SecurityContext;
  resources?: { limits?: { cpu?: string | number; memory?: string | number } };
  volumeMounts?: { name: string; mountPath: string }[];
  startupProbe: HttpProbe;
  livenessProbe: HttpProbe;
  readinessProbe: HttpProbe;
}
interface PodSpec {
  securityContext?: SecurityContext;
  containers: Container[];
  volumes?: { name: string; emptyDir?: { sizeLimit?: string } }[];
  terminationGracePeriodSeconds?: number;
}
interface Manifest {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: PodSpec & { template?: { spec: PodSpec } };
}

/** A Kubernetes binary quantity as docker takes it: 512Mi -> 512m, 160Mi -> 160m. */
const dockerBytes = (quantity: string | number) => String(quantity).replace(/i$/, '').toLowerCase();
/** A Kubernetes CPU quantity as docker --cpus takes it: 500m -> 0.5, "1" -> 1. */
const dockerCpus = (quantity: string | number) => {
  const text = String(quantity);
  return text.endsWith('m') ? String(Number.parseInt(text.slice(0, -1), 10) / 1000) : text;
};
const probe = (p: HttpProbe): Probe => ({
  path: p.httpGet.path,
  period: p.periodSeconds ?? 10,
  timeout: p.timeoutSeconds ?? 1,
  failure: p.failureThreshold ?? 3,
  success: p.successThreshold ?? 1,
});

/** Reads the output of `helm template`; throws when the pod cannot be reproduced faithfully. */
export function renderedPod(text: string): RenderedPod {
  const manifests = parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null && typeof m === 'object');
  const find = (kind: string, name: string) =>
    manifests.find((m) => m.kind === kind && m.metadata.name === name);
  const deployment = manifests.find((m) => m.kind === 'Deployment');
  const pod = deployment?.spec?.template?.spec;
  if (!pod) throw new Error('the chart renders no Deployment');
  const c = pod.containers[0];
  if (!c || pod.containers.length !== 1)
    throw new Error(`the Deployment has ${pod.containers.length} containers, not 1`);

  const env: Record<string, string> = {};
  for (const source of c.envFrom ?? []) {
    const configMap = find('ConfigMap', source.configMapRef.name);
    if (!configMap)
      throw new Error(
        `envFrom names ConfigMap ${source.configMapRef.name}, which the chart does not render`,
      );
    Object.assign(env, configMap.data ?? {});
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = e.value;
      continue;
    }
    const ref = e.valueFrom?.secretKeyRef;
    const secret = ref && find('Secret', ref.name);
    if (!ref || !secret)
      throw new Error(
        `env ${e.name} refers to Secret ${ref?.name}, which the chart does not render`,
      );
    const encoded = secret.data?.[ref.key];
    if (encoded === undefined)
      throw new Error(`env ${e.name}: Secret ${ref.name} has no key ${ref.key}`);
    env[e.name] = Buffer.from(encoded, 'base64').toString('utf8');
  }
  for (const [name, value] of Object.entries(env))
    if (value.includes('\n'))
      throw new Error(`env ${name} has a newline; docker --env-file cannot carry it`);

  const psc = pod.securityContext ?? {};
  const csc = c.securityContext ?? {};
  const user = csc.runAsUser ?? psc.runAsUser;
  const group = csc.runAsGroup ?? psc.runAsGroup;
  if (!(csc.runAsNonRoot ?? psc.runAsNonRoot) || !Number.isInteger(user) || (user as number) <= 0)
    throw new Error('the pod does not run as a numeric non-root user');

  const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.name, m.mountPath]));
  const tmpfs = (pod.volumes ?? []).flatMap((v) => {
    const path = mounts.get(v.name);
    if (!v.emptyDir || path === undefined) return [];
    const size = v.emptyDir.sizeLimit;
    return [`${path}:rw,mode=1777${size ? `,size=${dockerBytes(size)}` : ''}`];
  });
  const http = c.ports.filter((p) => p.name === 'http');
  const [httpPort] = http;
  if (!httpPort || http.length !== 1)
    throw new Error(`the container has ${http.length} ports named http, not 1`);
  const limits = c.resources?.limits ?? {};
  const setting = (name: string): string => {
    const value = env[name];
    if (value === undefined) throw new Error(`the container's environment has no ${name}`);
    return value;
  };
  const endpoint = new URL(setting('AWS_ENDPOINT_URL'));
  const settings: PodSettings = {
    image: c.image,
    user: group ? `${user}:${group}` : String(user),
    fsGroup: psc.fsGroup ?? null,
    readOnly: Boolean(csc.readOnlyRootFilesystem),
    dropAll: (csc.capabilities?.drop ?? []).includes('ALL'),
    noNewPrivileges: csc.allowPrivilegeEscalation === false,
    seccomp: (csc.seccompProfile ?? psc.seccompProfile)?.type ?? null,
    tmpfs,
    memory: limits.memory !== undefined ? dockerBytes(limits.memory) : '',
    cpus: limits.cpu !== undefined ? dockerCpus(limits.cpu) : '',
    port: httpPort.containerPort,
    startup: probe(c.startupProbe),
    liveness: probe(c.livenessProbe),
    readiness: probe(c.readinessProbe),
    grace: pod.terminationGracePeriodSeconds ?? 30,
    emulatorHost: endpoint.hostname,
    emulatorPort: endpoint.port ? Number(endpoint.port) : 80,
    usersTable: setting('USERS_TABLE'),
    stateTable: setting('STATE_TABLE'),
    bucket: setting('AVATARS_BUCKET'),
    region: setting('AWS_REGION'),
  };

  const test = manifests.find(
    (m) => m.kind === 'Pod' && m.metadata.annotations?.['helm.sh/hook'] === 'test',
  );
  let testPod: TestPod | null = null;
  if (test?.spec) {
    const tc = test.spec.containers[0];
    if (!tc || test.spec.containers.length !== 1)
      throw new Error('the helm test pod does not have exactly one container');
    testPod = {
      image: tc.image,
      command: tc.command ?? [],
      env: Object.fromEntries((tc.env ?? []).map((e) => [e.name, e.value ?? ''])),
    };
  }
  return { settings, env, testPod };
}
