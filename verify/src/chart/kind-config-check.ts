// Proves that the kind cluster config and the chart agree (verify/checks/check-kind-config.sh,
// run by `make chart-check`):
//   - deploy/kind/cluster.yaml maps exactly the Service's nodePort, chosen in ONE place
//     (service.nodePort of deploy/helm/sre-kit/values-kind.yaml), to 127.0.0.1:<same port>, and
//     the Service that `helm template` renders with values-kind.yaml really has that nodePort;
//   - every node image of the config is KIND_NODE_IMAGE of versions.env, pinned by digest, at
//     KUBERNETES_VERSION.
// kind's own config loader is not reachable from here without creating a cluster (its node image
// cannot be pulled offline), so the structure is checked against kind's v1alpha4 fields.
//   HELM=... KIND_NODE_IMAGE=... KUBERNETES_VERSION=... node src/chart/kind-config-check.ts
//   node src/chart/kind-config-check.ts --node-port   print the NodePort and exit
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../../..');
const CHART = join(ROOT, 'deploy/helm/sre-kit');
const KIND_PATH = join(ROOT, 'deploy/kind/cluster.yaml');
const VALUES_PATH = join(CHART, 'values-kind.yaml');

type Fields = Record<string, unknown>;
const asFields = (value: unknown): Fields =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};
const asList = (value: unknown): Fields[] => (Array.isArray(value) ? value.map(asFields) : []);
const show = (value: unknown): string =>
  value === undefined ? 'undefined' : JSON.stringify(value);

const values = asFields(parse(readFileSync(VALUES_PATH, 'utf8')));
const service = asFields(values.service);
const nodePort = service.nodePort;
if (process.argv[2] === '--node-port') {
  console.log(String(nodePort));
  process.exit(0);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (verify/checks/check-kind-config.sh does this)`);
  return value;
}
const wantImage = required('KIND_NODE_IMAGE');
const k8s = required('KUBERNETES_VERSION');
const rendered = execFileSync(
  required('HELM'),
  [
    'template',
    'sre-kit',
    CHART,
    '--namespace',
    'sre-kit',
    '-f',
    VALUES_PATH,
    '--kube-version',
    k8s,
    '--show-only',
    'templates/service.yaml',
  ],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);

const errors: string[] = [];
function check(ok: boolean, fact: string, problem: string): void {
  if (ok) {
    console.log(`check-kind-config: ok   ${fact}`);
  } else {
    errors.push(problem);
    console.error(`check-kind-config: FAIL ${problem}`);
  }
}
/** The keys of `object` that `known` does not list, sorted. */
const unknown = (object: Fields, known: Set<string>) =>
  Object.keys(object)
    .filter((k) => !known.has(k))
    .sort();

const cfg = asFields(parse(readFileSync(KIND_PATH, 'utf8')));
const svc = asFields(parse(rendered));

// The fields kind v0.30.0 accepts in a v1alpha4 Cluster / Node / PortMapping (kind rejects
// unknown fields when it loads the file: catch typos here first).
const CLUSTER = new Set([
  'kind',
  'apiVersion',
  'name',
  'nodes',
  'networking',
  'featureGates',
  'runtimeConfig',
  'kubeadmConfigPatches',
  'kubeadmConfigPatchesJSON6902',
  'containerdConfigPatches',
  'containerdConfigPatchesJSON6902',
]);
const NODE = new Set([
  'role',
  'image',
  'labels',
  'extraMounts',
  'extraPortMappings',
  'kubeadmConfigPatches',
  'kubeadmConfigPatchesJSON6902',
]);
const MAPPING = new Set(['containerPort', 'hostPort', 'listenAddress', 'protocol']);

check(
  cfg.kind === 'Cluster' && cfg.apiVersion === 'kind.x-k8s.io/v1alpha4',
  'kind config is a kind.x-k8s.io/v1alpha4 Cluster',
  `${KIND_PATH}: not a kind.x-k8s.io/v1alpha4 Cluster`,
);
check(
  unknown(cfg, CLUSTER).length === 0,
  'kind config has only known Cluster fields',
  `${KIND_PATH}: unknown Cluster fields ${show(unknown(cfg, CLUSTER))}`,
);
const nodes = asList(cfg.nodes);
check(
  nodes[0]?.role === 'control-plane',
  'first node is the control-plane',
  `${KIND_PATH}: the first node must be the control-plane`,
);
nodes.forEach((node, i) => {
  check(
    unknown(node, NODE).length === 0,
    `node ${i} has only known Node fields`,
    `${KIND_PATH}: node ${i}: unknown fields ${show(unknown(node, NODE))}`,
  );
  check(
    node.image === wantImage,
    `node ${i} image = KIND_NODE_IMAGE (${wantImage})`,
    `${KIND_PATH}: node ${i} image ${show(node.image)} != KIND_NODE_IMAGE ${show(wantImage)} (versions.env)`,
  );
});
const pinned = /^kindest\/node:v(\d+\.\d+\.\d+)@sha256:[0-9a-f]{64}$/.exec(wantImage);
check(
  pinned !== null,
  'KIND_NODE_IMAGE is pinned by digest',
  `KIND_NODE_IMAGE ${show(wantImage)} is not kindest/node:vX.Y.Z@sha256:<64 hex>`,
);
check(
  pinned?.[1] === k8s,
  `KIND_NODE_IMAGE runs Kubernetes ${k8s} (KUBERNETES_VERSION)`,
  `KIND_NODE_IMAGE ${show(wantImage)} does not run KUBERNETES_VERSION ${k8s}`,
);

check(
  Number.isInteger(nodePort) && (nodePort as number) >= 30000 && (nodePort as number) <= 32767,
  `values-kind.yaml service.nodePort = ${show(nodePort)}`,
  `${VALUES_PATH}: service.nodePort must be an integer in 30000-32767, got ${show(nodePort)}`,
);
check(
  service.type === 'NodePort',
  'values-kind.yaml service.type = NodePort',
  `${VALUES_PATH}: service.type must be NodePort for kind`,
);
const mappings = nodes.flatMap((node) => asList(node.extraPortMappings));
check(
  mappings.length === 1,
  'kind config has exactly one extraPortMappings entry',
  `${KIND_PATH}: expected exactly one extraPortMappings entry, found ${mappings.length}`,
);
for (const pm of mappings) {
  check(
    unknown(pm, MAPPING).length === 0,
    'port mapping has only known fields',
    `${KIND_PATH}: unknown port mapping fields ${show(unknown(pm, MAPPING))}`,
  );
  check(
    pm.containerPort === nodePort,
    `kind containerPort = chart nodePort (${show(nodePort)})`,
    `${KIND_PATH}: containerPort ${show(pm.containerPort)} != service.nodePort ${show(nodePort)} of values-kind.yaml`,
  );
  check(
    pm.hostPort === nodePort,
    `kind hostPort = chart nodePort (${show(nodePort)})`,
    `${KIND_PATH}: hostPort ${show(pm.hostPort)} != service.nodePort ${show(nodePort)} of values-kind.yaml`,
  );
  check(
    pm.listenAddress === '127.0.0.1',
    'kind hostPort listens on 127.0.0.1 only',
    `${KIND_PATH}: listenAddress must be 127.0.0.1 (publish on loopback only), got ${show(pm.listenAddress)}`,
  );
  check(
    (pm.protocol ?? 'TCP') === 'TCP',
    'port mapping protocol TCP',
    `${KIND_PATH}: protocol must be TCP`,
  );
}

const spec = asFields(svc.spec);
const ports = asList(spec.ports);
check(
  svc.kind === 'Service' &&
    spec.type === 'NodePort' &&
    ports.length === 1 &&
    ports[0]?.nodePort === nodePort,
  `rendered Service (values-kind.yaml) is NodePort ${show(nodePort)}`,
  `the Service rendered with values-kind.yaml is not NodePort ${show(nodePort)}: ${show(svc.spec)}`,
);
if (errors.length > 0) {
  console.error(`check-kind-config: ${errors.length} problem(s)`);
  process.exitCode = 1;
}
