// What the service says about its own memory and garbage collections on /metrics (prom-client).
import { round1 } from './settings.ts';

export type GcTotals = Record<string, { count: number; ms: number }>;

/** V8 heap and external memory of the service, from its own /metrics (prom-client). */
export async function heapMetrics(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? NaN);
  const m = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  return {
    rssMiB: m(value('process_resident_memory_bytes')),
    heapUsedMiB: m(value('nodejs_heap_size_used_bytes')),
    heapTotalMiB: m(value('nodejs_heap_size_total_bytes')),
    externalMiB: m(value('nodejs_external_memory_bytes')),
  };
}

/** Garbage collections of the service so far, by kind (minor, major, incremental, weakcb). */
export async function gcTotals(url: string): Promise<GcTotals> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const totals: GcTotals = {};
  for (const [, what, kind, value] of text.matchAll(
    /^nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} ([0-9.e+-]+)$/gm,
  )) {
    const entry = (totals[kind ?? ''] ??= { count: 0, ms: 0 });
    if (what === 'count') entry.count = Number(value);
    else entry.ms = Number(value) * 1000;
  }
  return totals;
}

/** What ran between two gcTotals readings, e.g. "minor 105 (38.2 ms), major 0 (0 ms)". */
export function gcBetween(before: GcTotals, after: GcTotals): string {
  return ['minor', 'incremental', 'major']
    .map((kind) => {
      const count = (after[kind]?.count ?? 0) - (before[kind]?.count ?? 0);
      const ms = (after[kind]?.ms ?? 0) - (before[kind]?.ms ?? 0);
      return `${kind} ${count} (${round1(ms)} ms)`;
    })
    .join(', ');
}
