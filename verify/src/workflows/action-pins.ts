// The action pins of the GitHub workflows and local actions: every `uses:` that is not local names
// a full 40-hex commit SHA with its release in a comment on the same line (`# vX.Y.Z`), a
// docker:// image is pinned by digest, and each action repository is used at one SHA and one
// release everywhere. The `uses:` values are read with the YAML parser (so a `uses:` inside a
// `run:` script is not one); the release comment is read from the rest of the value's line.
import { isScalar, LineCounter, parseDocument, visit } from 'yaml';

/** One `uses:` value, where it is, and the comment that ends its line ('' if none). */
export interface Uses {
  where: string;
  ref: string;
  comment: string;
}

/** An action repository's pin and how many `uses:` name it. */
export interface Pin {
  repo: string;
  sha: string;
  version: string;
  uses: number;
}

const SHA_PINNED = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)(\/[^@]*)?@([0-9a-f]{40})$/;
const RELEASE = /^v?[0-9]+\.[0-9]+\.[0-9]+$/;
/** A YAML comment: `#` at the start of the text or after a blank, to the end of the line. */
const LINE_COMMENT = /(?:^|\s)#(.*)$/;

/** Every `uses:` of one workflow or action file; a file that is not valid YAML is an error. */
export function usesOf(file: string, text: string): { uses: Uses[]; errors: string[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length > 0) {
    return {
      uses: [],
      errors: document.errors.map((error) => `${file}: not valid YAML: ${error.message}`),
    };
  }
  const uses: Uses[] = [];
  visit(document, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'uses') return;
      if (!isScalar(pair.value) || typeof pair.value.value !== 'string' || !pair.value.range)
        return;
      const [start, valueEnd] = pair.value.range;
      const lineEnd = text.indexOf('\n', valueEnd);
      const rest = text.slice(valueEnd, lineEnd === -1 ? undefined : lineEnd);
      uses.push({
        where: `${file}:${lineCounter.linePos(start).line}`,
        ref: pair.value.value.trim(),
        comment: LINE_COMMENT.exec(rest)?.[1]?.trim() ?? '',
      });
    },
  });
  return { uses, errors: [] };
}

/**
 * Checks the `uses:` of every file, in the order given: the first pin of a repository is the one
 * the others must match. Returns the problems, and the pins sorted by repository.
 */
export function checkPins(all: readonly Uses[]): { problems: string[]; pins: Pin[] } {
  const problems: string[] = [];
  const pins = new Map<string, Pin>();
  for (const { where, ref, comment } of all) {
    if (ref.startsWith('./')) continue;
    if (ref.startsWith('docker://')) {
      if (!ref.includes('@sha256:')) {
        problems.push(`${where}: ${ref} is not pinned by digest (docker://image@sha256:...)`);
      }
      continue;
    }
    const [, repo, , sha] = SHA_PINNED.exec(ref) ?? [];
    if (repo === undefined || sha === undefined) {
      problems.push(`${where}: '${ref}' is not pinned to a full 40-character commit SHA`);
      continue;
    }
    if (!RELEASE.test(comment)) {
      problems.push(
        `${where}: ${repo}@${sha} needs its release as a comment ('# vX.Y.Z'), found '${comment}'`,
      );
      continue;
    }
    const first = pins.get(repo);
    if (!first) {
      pins.set(repo, { repo, sha, version: comment, uses: 1 });
      continue;
    }
    if (first.sha !== sha) {
      problems.push(`${where}: ${repo}@${sha}, but ${first.sha} elsewhere: use one SHA per action`);
    } else if (first.version !== comment) {
      problems.push(
        `${where}: ${repo}@${sha} is commented '${comment}', but '${first.version}' elsewhere`,
      );
    }
    first.uses++;
  }
  const sorted = [...pins.values()].sort((a, b) => (a.repo < b.repo ? -1 : 1));
  return { problems, pins: sorted };
}

/** One line per pin, in columns: repository, release, SHA, number of uses. */
export function pinLines(pins: readonly Pin[]): string[] {
  return pins.map(
    ({ repo, sha, version, uses }) =>
      `  ${repo.padEnd(36)} ${version.padEnd(9)} ${sha}  (${uses} uses)`,
  );
}
