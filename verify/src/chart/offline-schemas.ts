// Kubernetes JSON schemas for kubeconform, offline (verify/checks/check-chart.sh).
// kubernetes-validate (PyPI) ships the strict schemas of each minor version; each file refers to
// the shared definitions as "/api/_definitions.json" under an "$id" of https://kubernetes.io/api/...,
// which kubeconform would fetch from the web. A copy with the "$id" removed and the references
// made relative ("_definitions.json#/...") reads them from the same folder. The package's files
// are read straight from its virtualenv (scripts/ensure-pytool.sh installs it): no Python runs.
//   node src/chart/offline-schemas.ts --venv <venv folder> --kubernetes 1.33 --out <folder>
// Writes <folder>/.complete last, so that a folder without it is rebuilt.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    venv: { type: 'string' },
    kubernetes: { type: 'string' },
    out: { type: 'string' },
  },
});
const { venv, kubernetes: minor, out } = values;
if (!venv || !minor || !out)
  throw new Error(
    'usage: offline-schemas.ts --venv <folder> --kubernetes <major.minor> --out <folder>',
  );

// The package lives in lib/python3.X/site-packages of the venv, whichever Python 3 made it.
const lib = join(venv, 'lib');
const sources = (existsSync(lib) ? readdirSync(lib) : [])
  .filter((name) => name.startsWith('python'))
  .map((name) =>
    join(
      lib,
      name,
      'site-packages/kubernetes_validate/kubernetes-json-schema',
      `v${minor}.0-local-strict`,
    ),
  )
  .filter((dir) => existsSync(join(dir, '_definitions.json')));
const [source] = sources;
if (source === undefined || sources.length !== 1) {
  console.error(
    `offline-schemas: ${venv} holds no kubernetes-validate schemas for Kubernetes ${minor}`,
  );
  process.exit(1);
}

/** The schema with every "/api/_definitions.json#..." reference made relative to its folder. */
function relative(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relative);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('/api/_definitions.json#')
        ? value.slice('/api/'.length)
        : relative(value),
    ]),
  );
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let files = 0;
for (const name of readdirSync(source)) {
  if (!name.endsWith('.json')) continue;
  const schema = JSON.parse(readFileSync(join(source, name), 'utf8')) as Record<string, unknown>;
  delete schema.$id;
  const text = JSON.stringify(relative(schema));
  if (text.includes('"/api/')) {
    console.error(`offline-schemas: unexpected absolute reference left in ${name}`);
    process.exit(1);
  }
  writeFileSync(join(out, name), text);
  files++;
}
writeFileSync(join(out, '.complete'), '');
console.error(`offline-schemas: ${files} schemas of Kubernetes ${minor} from ${source}`);
