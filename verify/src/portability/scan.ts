// Scans one file's text with the rules of rules.ts. Shell files are read line by line without
// comments and heredoc bodies; make files line by line with `$$` read as `$` (the shell sees one),
// so recipe code meets the shell rules and make syntax the make rules; awk files meet the awk rule.
// A line may carry `# portability: allow RULE-ID <reason>` (or the line above it may); the reason
// is required.
import { FILE_RULES, LINE_RULES, type Dialect } from './rules.ts';

export type FileKind = 'shell' | 'make' | 'awk';

export interface Finding {
  line: number;
  rule: string;
  message: string;
  text: string;
}

const ALLOW = /#\s*portability:\s*allow\s+([\w-]+)(.*)$/;

/** The dialects whose rules apply to a file of each kind. */
const DIALECTS: Record<FileKind, readonly Dialect[]> = {
  shell: ['shell', 'awk'],
  make: ['shell', 'awk', 'make'],
  awk: ['awk'],
};

/** A line without its comment: a whole-line comment, or ` # ...` after code. */
function stripComment(line: string, kind: FileKind): string {
  if (/^\s*#/.test(line)) return '';
  // In make, a recipe line (tab) is shell; elsewhere `#` starts a comment too.
  return kind === 'awk' ? line.replace(/\s#.*$/, '') : line.replace(/\s#(?:\s.*)?$/, '');
}

/** The code of each line (same numbering), comments and heredoc bodies blanked. */
export function codeLines(text: string, kind: FileKind): string[] {
  const out: string[] = [];
  let heredoc: { end: string; tabs: boolean } | undefined;
  for (const raw of text.split('\n')) {
    if (heredoc) {
      const candidate = heredoc.tabs ? raw.replace(/^\t+/, '') : raw;
      if (candidate === heredoc.end) heredoc = undefined;
      out.push('');
      continue;
    }
    let code = stripComment(raw, kind);
    // A recipe line's @, - and + prefixes are make's, not the shell's.
    if (kind === 'make') code = code.replaceAll('$$', '$').replace(/^\t[@+-]*/, '\t');
    const start = kind === 'shell' ? /<<(-?)\s*(['"]?)([A-Za-z_]\w*)\2/.exec(code) : null;
    if (start && !code.includes('<<<')) heredoc = { end: start[3] ?? '', tabs: start[1] === '-' };
    out.push(code);
  }
  return out;
}

/** Rule ids allowed on each line (1-based), with a finding for each allow that gives no reason. */
function allowances(lines: readonly string[]): {
  allowed: Map<number, Set<string>>;
  bare: Finding[];
} {
  const allowed = new Map<number, Set<string>>();
  const bare: Finding[] = [];
  lines.forEach((line, index) => {
    const match = ALLOW.exec(line);
    if (!match) return;
    const [, rule = '', reason = ''] = match;
    if (reason.trim().split(/\s+/).filter(Boolean).length < 2) {
      bare.push({
        line: index + 1,
        rule: 'allow-reason',
        message: `an allowance of ${rule} needs its reason (a few words)`,
        text: line.trim(),
      });
    }
    // Applies to its own line, and to the next line when it stands alone.
    const targets = /^\s*#/.test(line) ? [index + 1, index + 2] : [index + 1];
    for (const target of targets) {
      const set = allowed.get(target) ?? new Set<string>();
      set.add(rule);
      allowed.set(target, set);
    }
  });
  return { allowed, bare };
}

export function scan(text: string, kind: FileKind): Finding[] {
  const rawLines = text.split('\n');
  const lines = codeLines(text, kind);
  const dialects = DIALECTS[kind];
  const { allowed, bare } = allowances(rawLines);
  const findings: Finding[] = [...bare];
  const add = (line: number, rule: string, message: string) => {
    if (allowed.get(line)?.has(rule)) return;
    findings.push({
      line,
      rule,
      message,
      text: (rawLines[line - 1] ?? '').trim(),
    });
  };
  lines.forEach((code, index) => {
    if (!code.trim()) return;
    const recipe = kind === 'make' && code.startsWith('\t');
    for (const rule of LINE_RULES) {
      if (!dialects.includes(rule.dialect)) continue;
      // make syntax rules read make lines, not recipe lines (which are shell).
      if (rule.dialect === 'make' && recipe) continue;
      // awk rules read awk files whole, and shell lines that run awk.
      if (rule.dialect === 'awk' && kind !== 'awk' && !/\b[gn]?awk\b/.test(code)) continue;
      if (rule.test(code)) add(index + 1, rule.id, rule.message);
    }
  });
  for (const rule of FILE_RULES) {
    if (!dialects.includes(rule.dialect)) continue;
    for (const line of rule.check(lines, text)) add(line, rule.id, rule.message);
  }
  return findings.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}
