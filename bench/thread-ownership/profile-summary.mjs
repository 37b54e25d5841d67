// `node bench/thread-ownership/profile-summary.mjs <file.cpuprofile> [top]`: self time by
// package/area and by function, and inclusive time by function, of a V8 CPU profile.
import { readFileSync } from 'node:fs';

const [path, topArg] = process.argv.slice(2);
const TOP = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(path, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const areaOf = ({ url, functionName }) => {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node core';
  const m = /dist\/(apps\/[^/]+\/src\/[^/]+|libs\/[^/]+)/.exec(url);
  return m ? m[1] : url;
};
const fnOf = ({ functionName, url, lineNumber }) => `${functionName || '(anonymous)'} ${url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''}`.trim();

const counts = { area: new Map(), selfFn: new Map(), inclFn: new Map() };
const add = (map, key, n = 1) => map.set(key, (map.get(key) ?? 0) + n);
let total = 0;
for (const sample of profile.samples) {
  const leaf = byId.get(sample);
  if (leaf.callFrame.functionName === '(idle)') continue;
  total += 1;
  add(counts.area, areaOf(leaf.callFrame));
  add(counts.selfFn, fnOf(leaf.callFrame));
  const seen = new Set();
  for (let id = sample; id !== undefined; id = parent.get(id)) {
    const key = fnOf(byId.get(id).callFrame);
    if (!seen.has(key)) add(counts.inclFn, key);
    seen.add(key);
  }
}
const ms = (profile.endTime - profile.startTime) / 1000;
const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`).join('\n');
console.log(`${total} busy samples over ${(ms / 1000).toFixed(1)} s (${((100 * total) / profile.samples.length).toFixed(0)} % of samples busy)`);
console.log(`\nself time by area\n${top(counts.area, TOP)}`);
console.log(`\nself time by function\n${top(counts.selfFn, TOP)}`);
console.log(`\ninclusive time by function\n${top(counts.inclFn, TOP * 2)}`);
