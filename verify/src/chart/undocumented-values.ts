// Prints the values of the chart that have no `# --` description in values.yaml: the keys of the
// generated values.schema.json (argument 1) whose property has no description, one per line,
// indented, `global` aside (helm adds it). Prints nothing when every value is described.
import { readFileSync } from 'node:fs';

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode | SchemaNode[];
}

function* undocumented(schema: SchemaNode, path: string): Generator<string> {
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (key !== 'global' && !sub.description) yield path + key;
    yield* undocumented(sub, `${path}${key}.`);
  }
  if (schema.items && !Array.isArray(schema.items)) {
    yield* undocumented(schema.items, `${path.replace(/\.$/, '')}[].`);
  }
}

const file = process.argv[2];
if (!file) throw new Error('usage: undocumented-values.ts <values.schema.json>');
for (const key of undocumented(JSON.parse(readFileSync(file, 'utf8')) as SchemaNode, '')) {
  console.log(`  ${key}`);
}
