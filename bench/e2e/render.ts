import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { latencyChart, memoryChart } from './charts.js';

/**
 * Redraws the charts from a results file (default bench/e2e/results/e2e-latest.json), e.g. after a
 * change to charts.ts: `bash bench/e2e/run.sh render [file]`.
 */
interface Step {
  rate: number;
  latency: { p50: number; p99: number; p999: number };
}
interface Results {
  config: { threads: number; soakSeconds: number };
  steps: Step[];
  search: Step[];
  targetP99Ms: number;
  soak?: { step: { rate: number }; series: Array<{ name: string; samples: Array<[number, number]> }> };
}

const file = process.argv[2] ?? join(process.cwd(), 'bench/e2e/results/e2e-latest.json');
const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
const out = dirname(file);
const ladder = [...results.steps, ...results.search].sort((a, b) => a.rate - b.rate);
writeFileSync(
  join(out, 'e2e-latency.svg'),
  latencyChart(ladder.map((s) => ({ rate: s.rate, ...s.latency })), results.targetP99Ms, `Webhook POST → bot handler latency (2 bots, ${results.config.threads.toLocaleString('en-US')} threads)`),
);
if (results.soak) {
  const series = results.soak.series.filter((s) => s.name !== 'load generator');
  writeFileSync(join(out, 'e2e-memory.svg'), memoryChart(series, `Memory during the soak (${results.soak.step.rate}/s, ${results.config.soakSeconds} s)`));
}
console.log(`charts written to ${out}`);
