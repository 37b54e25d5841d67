import { childPids, cpuMs, pssKb, rssKb } from '../../test/faults/harness/processes.js';

/** A process (or a group, e.g. a PostgreSQL cluster) whose memory and CPU are tracked. */
export interface Tracked {
  name: string;
  pids: () => number[];
  /** `rss` for one process; `pss` for a group sharing memory (PostgreSQL's shared buffers). */
  memory: 'rss' | 'pss';
  /**
   * A group whose first pid is the parent of the others (a postmaster): processes that start or
   * end between two CPU snapshots (backends come and go with the pools) are counted too.
   */
  group?: boolean;
}

/** The postmaster and every backend / auxiliary process under it. */
export const clusterPids = (postmaster: number | undefined) => (postmaster ? [postmaster, ...childPids(postmaster)] : []);

export interface MemorySeries {
  name: string;
  memory: 'rss' | 'pss';
  /** [ms since the sampler started, kB] */
  samples: Array<[number, number]>;
}

export interface MemorySummary {
  name: string;
  memory: 'rss' | 'pss';
  startMb: number;
  endMb: number;
  maxMb: number;
}

function measure(tracked: Tracked): number | undefined {
  const values = tracked.pids().map((pid) => (tracked.memory === 'rss' ? rssKb(pid) : pssKb(pid)));
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : known.reduce((sum, v) => sum + v, 0);
}

/** Samples the memory of each tracked process every `everyMs` until stopped. */
export class MemorySampler {
  private readonly series: MemorySeries[];
  private timer?: NodeJS.Timeout;
  private started = 0;

  constructor(private readonly tracked: Tracked[]) {
    this.series = tracked.map((t) => ({ name: t.name, memory: t.memory, samples: [] }));
  }

  start(everyMs: number): void {
    this.started = Date.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): MemorySeries[] {
    clearInterval(this.timer);
    this.sample();
    return this.series;
  }

  private sample(): void {
    const t = Date.now() - this.started;
    this.tracked.forEach((tracked, i) => {
      const kb = measure(tracked);
      if (kb !== undefined) this.series[i].samples.push([t, kb]);
    });
  }
}

export function summarizeMemory(series: MemorySeries[]): MemorySummary[] {
  return series.map((s) => {
    const kbs = s.samples.map(([, kb]) => kb);
    return {
      name: s.name,
      memory: s.memory,
      startMb: (kbs[0] ?? Number.NaN) / 1024,
      endMb: (kbs.at(-1) ?? Number.NaN) / 1024,
      maxMb: Math.max(...kbs) / 1024,
    };
  });
}

/**
 * CPU time used so far (ms) by each process of each tracked name (pid → ms). For a group, the
 * parent's figure includes its exited children (reaped backends), and the whole group is summed
 * under the parent's pid: a backend that started or ended between snapshots is then counted.
 */
export function cpuSnapshot(tracked: Tracked[]): Map<string, Map<number, number>> {
  return new Map(
    tracked.map((t) => {
      const pids = t.pids();
      if (!t.group || pids.length === 0) return [t.name, new Map(pids.map((pid) => [pid, cpuMs(pid) ?? 0]))];
      const [parent, ...children] = pids as [number, ...number[]];
      const total = (cpuMs(parent, true) ?? 0) + children.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0);
      return [t.name, new Map([[parent, total]])];
    }),
  );
}

/** Cores used by each tracked name between two snapshots taken `wallMs` apart, summed over the processes alive at both. */
export function cpuShare(before: Map<string, Map<number, number>>, after: Map<string, Map<number, number>>, wallMs: number): Record<string, number> {
  return Object.fromEntries(
    [...after].map(([name, pids]) => {
      let used = 0;
      for (const [pid, ms] of pids) {
        const previous = before.get(name)?.get(pid);
        if (previous !== undefined) used += ms - previous;
      }
      return [name, used / wallMs];
    }),
  );
}
