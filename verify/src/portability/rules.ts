// What `make portability-check` forbids in the scripts and make recipes users run: bash 4+
// features (macOS's /bin/bash is 3.2), options only GNU tools have (macOS has BSD sed, date, grep,
// stat, mktemp, xargs, readlink...), commands macOS lacks, gawk-only awk, and GNU Make features
// newer than 3.81 (macOS's /usr/bin/make). Each rule carries lines it must flag (`bad`) and lines it
// must pass (`good`); verify/test/portability/scanner.test.ts holds every rule to both.

/** Where a rule applies: shell code (scripts, and make recipes with `$$` read as `$`), make syntax, awk. */
export type Dialect = 'shell' | 'make' | 'awk';

export interface LineRule {
  id: string;
  dialect: Dialect;
  /** What is wrong and what to write instead, in one line. */
  message: string;
  test: (code: string) => boolean;
  bad: readonly string[];
  good: readonly string[];
}

// A command word: at the start, or after whitespace or a shell operator (not after `-`, so
// `--timeout 5m` is an option, not the command).
const CMD = String.raw`(?:^|[\s;&|(\x60])`;
const re = (source: string, flags = '') => {
  const pattern = new RegExp(source, flags);
  return (code: string) => pattern.test(code);
};
// `tool [-flags ...] -<letters with one of LETTERS>`: an option cluster of a command.
const option = (tool: string, letters: string) =>
  String.raw`\b${tool}\s+(?:-[a-zA-Z0-9]+\s+)*-[a-zA-Z0-9]*[${letters}]`;
const regexTool = /\b(?:grep|sed)\b/;
const extendedRegex = /\b(?:grep|sed)\s+(?:-[a-zA-Z]+\s+)*-[a-zA-Z]*E|\begrep\b/;

export const LINE_RULES: readonly LineRule[] = [
  // --- bash 4 and later -------------------------------------------------------------------------
  {
    id: 'assoc-array',
    dialect: 'shell',
    message: 'associative arrays are bash 4: use a `case` lookup function',
    test: re(String.raw`\b(?:declare|typeset|local)\s+(?:-[a-zA-Z]+\s+)*-[a-zA-Z]*A`),
    bad: ['declare -A modules=([helm]=x)', 'local -A seen', 'declare -gA map', 'typeset -A t'],
    good: ['declare -a list=(a b)', 'local name=$1', 'declare -r ROOT=/x'],
  },
  {
    id: 'declare-bash4',
    dialect: 'shell',
    message:
      'declare/local -g, -n (nameref), -l, -u, -I are bash 4+: assign plainly, use tr for case',
    test: re(String.raw`\b(?:declare|typeset|local)\s+(?:-[a-zA-Z]+\s+)*-[a-zA-Z]*[gnluI]\b`),
    bad: ['declare -g X=1', 'local -n ref=$1', 'declare -l lower=$x', 'declare -u upper'],
    good: ['declare -i n=0', 'local -r x=1', 'declare -x PATH'],
  },
  {
    id: 'mapfile',
    dialect: 'shell',
    message: 'mapfile/readarray are bash 4: use `while IFS= read -r line; do ...; done`',
    test: re(String.raw`${CMD}(?:mapfile|readarray)\b`),
    bad: ['mapfile -t lines < <(ls)', 'readarray -t xs <file'],
    good: ['while IFS= read -r line; do echo "$line"; done <file'],
  },
  {
    id: 'case-modification',
    dialect: 'shell',
    message: '${x,,} ${x^^} ${x,} ${x^} are bash 4: use `tr "[:upper:]" "[:lower:]"`',
    test: re(String.raw`\$\{[A-Za-z_]\w*(?:\[[^\]]*\])?[,^]`),
    bad: ['owner=${OWNER,,}', 'echo "${name^^}"', 'x=${arr[0]^}'],
    good: ['owner=$(printf %s "$OWNER" | tr "[:upper:]" "[:lower:]")', 'echo "${x:-a,b}"'],
  },
  {
    id: 'transform-operator',
    dialect: 'shell',
    message: '${x@Q} and the other @ operators are bash 4.4+: use printf %q',
    test: re(String.raw`\$\{[A-Za-z_]\w*(?:\[[^\]]*\])?@[QEPAaKkUuL]\}`),
    bad: ['echo "${cmd@Q}"', 'echo "${arr[@]@Q}"'],
    good: ['printf "%q" "$cmd"', 'echo "${arr[@]}"'],
  },
  {
    id: 'append-both',
    dialect: 'shell',
    message: '&>> is bash 4: use `>>file 2>&1`',
    test: re('&>>'),
    bad: ['make build &>> log'],
    good: ['make build >>log 2>&1', 'make build &>log'],
  },
  {
    id: 'pipe-both',
    dialect: 'shell',
    message: '|& is bash 4: use `2>&1 |`',
    test: re(String.raw`(?<!\|)\|&`),
    bad: ['make build |& tee log'],
    good: ['make build 2>&1 | tee log', 'a || b && c'],
  },
  {
    id: 'negative-index',
    dialect: 'shell',
    message: 'negative array indexes are bash 4.3: use ${a[${#a[@]}-1]}',
    test: re(String.raw`\$\{[A-Za-z_]\w*\[-\d+\]\}|${CMD}[A-Za-z_]\w*\[-\d+\]=`),
    bad: ['last=${args[-1]}', 'args[-1]=x'],
    good: ['last=${args[${#args[@]}-1]}', 'echo "${x:-1}"'],
  },
  {
    id: 'wait-n',
    dialect: 'shell',
    message: 'wait -n/-f/-p are bash 4.3+: wait for each PID',
    test: re(String.raw`${CMD}wait\s+-[a-zA-Z]*[nfp]`),
    bad: ['wait -n', 'wait -n "$a" "$b"'],
    good: ['wait "$pid"', 'kubectl wait --for=condition=Ready nodes --all'],
  },
  {
    id: 'shopt-bash4',
    dialect: 'shell',
    message:
      'this shopt option is bash 4+ (globstar, lastpipe, inherit_errexit...): list or find the files',
    test: re(
      String.raw`\bshopt\s+-[su]\b.*\b(?:globstar|lastpipe|inherit_errexit|autocd|checkjobs|direxpand|dirspell|globasciiranges|localvar_inherit|localvar_unset|assoc_expand_once|patsub_replacement|varredir_close)\b`,
    ),
    bad: ['shopt -s nullglob globstar', 'shopt -s lastpipe'],
    good: ['shopt -s nullglob', 'shopt -s extglob'],
  },
  {
    id: 'test-v',
    dialect: 'shell',
    message: '[[ -v name ]] is bash 4.2: use [[ -n ${name+set} ]]',
    test: re(String.raw`(?:\[\[|\[|\btest)\s+(?:!\s+)?-v\s`),
    bad: ['[[ -v KIND ]] && echo set', 'if [ -v X ]; then :; fi', 'test -v HOME'],
    good: ['[[ -n ${KIND+set} ]]', 'grep -v x file', '[[ $a == -v ]]'],
  },
  {
    id: 'coproc',
    dialect: 'shell',
    message: 'coproc is bash 4: use a background job and a FIFO',
    test: re(String.raw`${CMD}coproc\b`),
    bad: ['coproc server { nc -l 1234; }'],
    good: ['server & pid=$!'],
  },
  {
    id: 'fd-variable',
    dialect: 'shell',
    message:
      'exec {fd}>file (a descriptor in a variable) is bash 4.1: use a fixed number (exec 3>file)',
    test: re(String.raw`(?:^|[^$\w])\{[A-Za-z_]\w*\}(?:<>|>>|>&|<&|>|<)`),
    bad: ['exec {lock}>file', 'exec {fd}<&0'],
    good: ['exec 3>file', 'echo "${name}">file', 'f() { :; }>/dev/null'],
  },
  {
    id: 'case-fallthrough',
    dialect: 'shell',
    message: ';& and ;;& in case are bash 4: repeat the commands or use a function',
    test: re(String.raw`;;&|(?<![;&]);&(?!&)`),
    bad: ['  a) echo a ;&', '  b) echo b ;;&'],
    good: ['  a) echo a ;;', 'x=1; y=2 && z=3'],
  },
  {
    id: 'bash4-variables',
    dialect: 'shell',
    message:
      'BASHPID, EPOCHSECONDS, EPOCHREALTIME, SRANDOM, BASH_ARGV0 are bash 4+: use $$, date +%s, $RANDOM',
    test: re(String.raw`\$\{?(?:BASHPID|EPOCHSECONDS|EPOCHREALTIME|SRANDOM|BASH_ARGV0)\b`),
    bad: ['start=$EPOCHSECONDS', 'echo ${BASHPID}'],
    good: ['start=$(date +%s)', 'elapsed=$SECONDS'],
  },
  {
    id: 'printf-time',
    dialect: 'shell',
    message: "printf '%(...)T' is bash 4.2: use date",
    test: re(String.raw`%\([^)]*\)T`),
    bad: ["printf '%(%s)T' -1"],
    good: ['date +%s'],
  },
  {
    id: 'brace-step',
    dialect: 'shell',
    message: 'brace expansion with a step or zero padding is bash 4: use seq',
    test: re(String.raw`\{-?\d+\.\.-?\d+\.\.-?\d+\}|\{0\d+\.\.\d+\}|\{\d+\.\.0\d+\}`),
    bad: ['for i in {1..10..2}; do :; done', 'echo {01..10}'],
    good: ['for i in {1..10}; do :; done', 'for i in $(seq 1 2 10); do :; done'],
  },
  {
    id: 'read-bash4',
    dialect: 'shell',
    message: 'read -N and read -i are bash 4: use read -n / no default text',
    test: re(String.raw`${CMD}read\s+(?:-[a-zA-Z]+\s+)*-[a-zA-Z]*[Ni]\b`),
    bad: ['read -N 4 magic', 'read -e -i yes answer'],
    good: ['read -r -p "Continue? " answer', 'read -r -n 1 key'],
  },
  // --- options only GNU tools have, and commands macOS lacks -------------------------------------
  {
    id: 'sed-in-place',
    dialect: 'shell',
    message:
      "sed -i differs (BSD needs -i '', which GNU reads as a script): write to a temp file and mv, or -i.bak then rm",
    test: re(String.raw`\bsed\s+(?:[^|;&]*\s)?(?:-[a-zA-Z]*i(?=\s|$|['"])|--in-place)`),
    bad: [
      "sed -i 's/a/b/' f",
      "sed -i '' 's/a/b/' f",
      "sed -E -i 's/a/b/' f",
      'sed --in-place s/a/b/ f',
    ],
    good: ["sed -i.bak 's/a/b/' f && rm f.bak", "sed 's/a/b/' f >f.tmp && mv f.tmp f"],
  },
  {
    id: 'sed-block-semicolon',
    dialect: 'shell',
    message: "BSD sed needs ; before the } of a { ... } block: '/x/{p;q;}'",
    test: re(String.raw`\bsed\b.*(?<![\\$])\{[^{}]*[^;\s{}\\]\}`),
    bad: ["sed -n '/^x/{p;q}' f"],
    good: ["sed -n '/^x/{p;q;}' f", "sed 's/a\\{2\\}/b/' f", 'sed "s/${from}/to/" f'],
  },
  {
    id: 'sed-newline-replacement',
    dialect: 'shell',
    message: 'BSD sed writes \\n in a replacement as n: use tr, awk, or a backslash-newline',
    test: re(String.raw`\bsed\b.*\bs/(?:[^/\\]|\\.)*/(?:[^/\\]|\\[^n])*\\n`),
    bad: ["sed 's/,/\\n/g' f"],
    good: ["tr ',' '\\n' <f", "sed -n 's/\\n$//p' f"],
  },
  {
    id: 'sed-r',
    dialect: 'shell',
    message: 'sed -r is GNU: use sed -E',
    test: re(option('sed', 'r') + String.raw`\b`),
    bad: ["sed -r 's/a+/b/'", "sed -nr 's/a+/b/p'"],
    good: ["sed -E 's/a+/b/'", "sed -n 's/a/b/p'"],
  },
  {
    id: 'date-d',
    dialect: 'shell',
    message:
      'date -d/--date is GNU (BSD: date -j -f): compute in awk or node, or use epoch seconds',
    test: re(String.raw`\bdate\s+(?:[^|;&]*\s)?(?:-d\b|--date\b)`),
    bad: ['date -d "1 hour ago" +%s', 'date --date=@0', 'date -u -d @0'],
    good: ['date +%s', 'date -u +%Y-%m-%dT%H:%M:%SZ'],
  },
  {
    id: 'grep-P',
    dialect: 'shell',
    message: 'grep -P is GNU: use grep -E (POSIX classes like [[:space:]])',
    test: re(option('grep', 'P') + '|--perl-regexp'),
    bad: ["grep -P '\\d+'", "grep -oP 'v\\K.*'"],
    good: ["grep -E '[0-9]+'", "grep -qx 'a'"],
  },
  {
    id: 'readlink-f',
    dialect: 'shell',
    message: 'readlink -f/-e/-m are GNU (macOS 12.3+ only): use $(cd "$(dirname "$f")" && pwd -P)',
    test: re(option('readlink', 'fem')),
    bad: ['readlink -f "$0"', 'readlink -e x'],
    good: ['root=$(cd "$(dirname "$0")/.." && pwd -P)', 'readlink "$link"'],
  },
  {
    id: 'realpath',
    dialect: 'shell',
    message: 'realpath is missing before macOS 13: use $(cd "$(dirname "$f")" && pwd -P)',
    test: re(String.raw`${CMD}realpath\s`),
    bad: ['dir=$(realpath "$1")'],
    good: ['dir=$(cd "$1" && pwd -P)'],
  },
  {
    id: 'stat-format',
    dialect: 'shell',
    message: 'stat -c/--format is GNU (BSD: stat -f): use wc -c, ls -l, or find -newer',
    test: re(String.raw`\bstat\s+(?:[^|;&]*\s)?(?:-c\b|--format|--printf)`),
    bad: ['stat -c %s file', 'stat --format=%Y file'],
    good: ['size=$(wc -c <file)'],
  },
  {
    id: 'mktemp-template',
    dialect: 'shell',
    message:
      'mktemp needs a template on BSD and -t means a prefix there: mktemp -d "${TMPDIR:-/tmp}/name.XXXXXX"',
    test: (code) =>
      (/\bmktemp\b/.test(code) && !/\bmktemp\b[^|;&)]*X{3,}/.test(code)) ||
      new RegExp(option('mktemp', 't')).test(code),
    bad: ['tmp=$(mktemp -d)', 'f=$(mktemp)', 'd=$(mktemp -d -t sre-kit)'],
    good: ['tmp=$(mktemp -d "${TMPDIR:-/tmp}/sre-kit.XXXXXX")'],
  },
  {
    id: 'xargs-r',
    dialect: 'shell',
    message: 'xargs -r is GNU: test for empty input first, or use find -exec ... +',
    test: re(option('xargs', 'r') + String.raw`|--no-run-if-empty`),
    bad: ['ls | xargs -r rm', 'find . | xargs -0r rm'],
    good: ['find . -name x -exec rm {} +', 'printf x | xargs echo'],
  },
  {
    id: 'timeout-command',
    dialect: 'shell',
    message:
      'timeout is not on macOS: loop on $SECONDS with a deadline, or the tool’s own --timeout',
    test: re(String.raw`(?:^|[\s;&|(\x60])(?<!-)timeout\s+(?:-\S+\s+(?:[A-Z]+\s+)?)*\d`),
    bad: ['timeout 10 curl -s x', 'out=$(timeout -s KILL 5 cmd)'],
    good: [
      'helm upgrade --wait --timeout 5m',
      'kubectl wait --timeout=120s',
      'curl --max-time 5 x',
    ],
  },
  {
    id: 'nproc',
    dialect: 'shell',
    message: 'nproc is GNU: use getconf _NPROCESSORS_ONLN',
    test: re(String.raw`${CMD}nproc\b`),
    bad: ['jobs=$(nproc)'],
    good: ['jobs=$(getconf _NPROCESSORS_ONLN)'],
  },
  {
    id: 'base64-gnu',
    dialect: 'shell',
    message:
      "base64 -d (-D on older macOS) and -w are not shared: use base64 --decode, and | tr -d '\\n'",
    test: re(option('base64', 'dw') + String.raw`|\bbase64\b.*--wrap`),
    bad: ['base64 -d <x', 'base64 -w0 file'],
    good: ['base64 --decode <x', "base64 <file | tr -d '\\n'"],
  },
  {
    id: 'find-gnu',
    dialect: 'shell',
    message: 'find -printf/-fprintf/-regextype are GNU: use -exec or -print and awk',
    test: re(String.raw`\bfind\b.*\s-(?:printf|fprintf|regextype)\b`),
    bad: ["find . -type f -printf '%s\\n'"],
    good: ['find . -type f -exec wc -c {} +'],
  },
  {
    id: 'cp-mv-gnu',
    dialect: 'shell',
    message: 'cp/mv --parents, -t and --target-directory are GNU: mkdir -p the target and copy',
    test: re(String.raw`\b(?:cp|mv)\s+(?:[^|;&]*\s)?(?:--parents|-t\s|--target-directory)`),
    bad: ['cp --parents a/b/c dest', 'mv -t dest a b'],
    good: ['mkdir -p dest/a/b && cp a/b/c dest/a/b/', 'cp -R src dest'],
  },
  {
    id: 'ln-relative',
    dialect: 'shell',
    message: 'ln -r/--relative is GNU: give the relative path yourself',
    test: re(option('ln', 'r') + String.raw`|\bln\b.*--relative`),
    bad: ['ln -sr ../a b'],
    good: ['ln -s ../lib/a b', 'ln -sf target link'],
  },
  {
    id: 'install-D',
    dialect: 'shell',
    message: 'install -D is GNU: mkdir -p the folder first',
    test: re(option('install', 'D') + String.raw`\b`),
    bad: ['install -D -m 0755 a bin/a'],
    good: ['mkdir -p bin && install -m 0755 a bin/a'],
  },
  {
    id: 'sha-sum',
    dialect: 'shell',
    message:
      'sha256sum/md5sum are missing on older macOS: fall back to shasum -a 256 (and allow that line)',
    test: re(String.raw`${CMD}(?:sha1sum|sha256sum|sha512sum|md5sum)\b`),
    bad: ['sum=$(sha256sum file | cut -c1-8)'],
    good: ['sum=$(shasum -a 256 file | cut -c1-8)'],
  },
  {
    id: 'tac',
    dialect: 'shell',
    message: 'tac is GNU: use tail -r (BSD) or awk',
    test: re(String.raw`${CMD}tac\b`),
    bad: ['tac log | head', 'cat f | tac'],
    good: ["awk '{ l[NR] = $0 } END { for (i = NR; i; i--) print l[i] }' log"],
  },
  {
    id: 'head-negative',
    dialect: 'shell',
    message: 'head -n -N (all but the last N) is GNU: use sed or awk',
    test: re(String.raw`\bhead\s+-[nc]\s*-\d`),
    bad: ['head -n -1 file', 'head -c-2 file'],
    good: ['head -n 1 file', "sed '$d' file"],
  },
  {
    id: 'bre-gnu-operator',
    dialect: 'shell',
    message: '\\| \\+ \\? in a basic regex are GNU extensions: use grep -E / sed -E with | + ?',
    test: (code) => regexTool.test(code) && !extendedRegex.test(code) && /\\[|+?]/.test(code),
    bad: ["grep -q 'No changes\\.\\|0 added' log", "sed -n 's/a\\+/b/p'"],
    good: ["grep -Eq 'No changes\\.|0 added' log", "sed -E 's/a+/b/'"],
  },
  {
    id: 'regex-class-escape',
    dialect: 'shell',
    message:
      '\\s \\S \\w \\W in grep/sed patterns are GNU: use [[:space:]] [^[:space:]] [[:alnum:]_]',
    test: (code) => regexTool.test(code) && /(?<!\\)\\[sSwW]/.test(code),
    bad: ["sed 's/\\s*$//'", "grep -E '^\\w+='"],
    good: ["sed 's/[[:space:]]*$//'", "grep -E '^[[:alnum:]_]+='"],
  },
  // --- gawk-only awk (macOS has the one true awk) ------------------------------------------------
  {
    id: 'gawk-only',
    dialect: 'awk',
    message:
      'gensub, asort, strftime, systime, PROCINFO, IGNORECASE, BEGINFILE are gawk: use sub/gsub, sort, date',
    test: re(
      String.raw`\b(?:gensub|asorti?|strftime|systime|PROCINFO|IGNORECASE|BEGINFILE|ENDFILE)\b|\b(?:awk|gawk)\s+.*--re-interval`,
    ),
    bad: ['{ print gensub(/a/, "b", "g") }', "awk '{ print strftime() }'"],
    good: ['{ gsub(/a/, "b"); print }', 'split(s, parts, "|")'],
  },
  // --- GNU Make after 3.81 (macOS's /usr/bin/make) ------------------------------------------------
  {
    id: 'make-oneshell',
    dialect: 'make',
    message: '.ONESHELL is GNU Make 3.82: join the lines with ; \\ or &&',
    test: re(String.raw`^\.ONESHELL\b`),
    bad: ['.ONESHELL:'],
    good: ['.PHONY: all'],
  },
  {
    id: 'make-functions',
    dialect: 'make',
    message: '$(file), $(let), $(intcmp), $(guile) are GNU Make 4+: use $(shell) or a script',
    test: re(String.raw`\$\((?:file|let|intcmp|guile)\s`),
    bad: ['$(file >out.txt,$(LIST))', 'X = $(let a b,1 2,$(a))'],
    good: ['X = $(shell cat list)', 'Y = $(filter a,$(LIST))'],
  },
  {
    id: 'make-assignments',
    dialect: 'make',
    message: '!=, ::= and :::= are GNU Make 4+: use := $(shell ...)',
    test: re(String.raw`^[A-Za-z_][\w.-]*\s*(?:!=|::=|:::=)`),
    bad: ['FILES != ls', 'X ::= 1'],
    good: ['FILES := $(shell ls)', 'X := 1'],
  },
  {
    id: 'make-undefine',
    dialect: 'make',
    message: 'undefine is GNU Make 3.82: set the variable empty',
    test: re(String.raw`^\s*(?:override\s+)?undefine\b`),
    bad: ['undefine X'],
    good: ['X :='],
  },
  {
    id: 'make-recipeprefix',
    dialect: 'make',
    message: '.RECIPEPREFIX is GNU Make 3.82: indent recipes with a tab',
    test: re(String.raw`^\.RECIPEPREFIX\b`),
    bad: ['.RECIPEPREFIX = >'],
    good: ['.DEFAULT_GOAL := help'],
  },
  {
    id: 'make-grouped-target',
    dialect: 'make',
    message: 'grouped targets (a b &: c) are GNU Make 4.3: use a stamp file',
    test: re(String.raw`^[^\t#=]*\S\s*&:`),
    bad: ['a.out b.out &: in.txt'],
    good: ['a.out b.out: in.txt'],
  },
  {
    id: 'make-define-operator',
    dialect: 'make',
    message: 'define NAME = (an operator after the name) is GNU Make 3.82: write define NAME',
    test: re(String.raw`^\s*define\s+\S+\s+(?::?=|\+=|\?=)\s*$`),
    bad: ['define RECIPE :=', 'define X ='],
    good: ['define RECIPE'],
  },
];

export interface FileRule {
  id: string;
  dialect: Dialect;
  message: string;
  /** Line numbers (1-based) of the findings in the whole file's lines (code only, comments blanked). */
  check: (lines: readonly string[], raw: string) => number[];
}

/** `"${name[@]}"` of an array that can be empty: with `set -u`, bash before 4.4 stops ("unbound variable"). */
const emptyArrayExpansion: FileRule = {
  id: 'empty-array',
  dialect: 'shell',
  message: 'bash < 4.4 with set -u stops on "${a[@]}" of an empty array: write ${a[@]+"${a[@]}"}',
  check(lines) {
    const empty = new Set<string>();
    for (const line of lines) {
      for (const match of line.matchAll(/(?:^|[\s;&(])([A-Za-z_]\w*)=\(\s*\)/g)) {
        if (match[1]) empty.add(match[1]);
      }
    }
    const found: number[] = [];
    lines.forEach((line, index) => {
      for (const match of line.matchAll(/\$\{([A-Za-z_]\w*)\[[@*]\]\}/g)) {
        const name = match[1] ?? '';
        const start = match.index;
        const guarded = line.slice(0, start).endsWith(`\${${name}[@]+"`);
        if (empty.has(name) && !guarded) {
          found.push(index + 1);
          break;
        }
      }
    });
    return found;
  },
};

/** .SHELLFLAGS is ignored by GNU Make 3.81: the Makefile must give SHELL the flags there. */
const shellFlagsFallback: FileRule = {
  id: 'make-shellflags',
  dialect: 'make',
  message:
    '.SHELLFLAGS is ignored by GNU Make 3.81: add `ifeq ($(MAKE_VERSION),3.81)` with `SHELL := bash <flags>`',
  check(lines, raw) {
    const at = lines.findIndex((line) => /^\s*\.SHELLFLAGS\s*:?=/.test(line));
    if (at < 0) return [];
    const fallback = /ifeq \(\$\(MAKE_VERSION\),3\.81\)\s*\n\s*SHELL\s*:?=\s*\S+\s+-/.test(raw);
    return fallback ? [] : [at + 1];
  },
};

export const FILE_RULES: readonly FileRule[] = [emptyArrayExpansion, shellFlagsFallback];
