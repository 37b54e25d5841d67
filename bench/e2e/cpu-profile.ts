import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface ProfileSummary {
  file: string;
  pid: string;
  /** Sampled time in ms (excluding idle). */
  busyMs: number;
  /** Self time share by package (`pg`, `typeorm`, `@nats-io/…`, `our code`, `(garbage collector)` …). */
  byPackage: Array<[string, number]>;
  /** Self time share of the top functions. */
  byFunction: Array<[string, number]>;
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (url.includes('/dist/')) return 'our code (dist/)';
  return url;
}

/** Self time by package and by function from one `.cpuprofile` (V8 sampling profile). */
export function summarizeProfile(path: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const perSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length); // ms
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || node.callFrame.functionName === '(idle)') continue;
    const ms = hits * perSample;
    busy += ms;
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const file = node.callFrame.url.split('/').slice(-2).join('/');
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${file ? `${file}:${node.callFrame.lineNumber + 1}` : ''}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]): [string, number] => [k, v / busy]);
  // File names are CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile
  const pid = path.split('/').pop()!.split('.')[3] ?? '?';
  return { file: path, pid, busyMs: busy, byPackage: top(byPackage, 10), byFunction: top(byFunction, 12) };
}

export function summarizeProfiles(dir: string): ProfileSummary[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return [];
  }
  return files.map((f) => summarizeProfile(join(dir, f)));
}
