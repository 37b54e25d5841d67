/**
 * Two small SVG charts from the benchmark's numbers (no external service, no dependency):
 * latency percentiles per rate, and memory per process over the soak.
 */

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
/** 25 ms, 1.5 s, 210 s. */
const msLabel = (ms: number) => {
  const digits = (v: number, small: boolean) => (Number.isInteger(v) ? String(v) : v.toFixed(small ? 1 : 0));
  return ms < 1000 ? `${digits(ms, ms < 10)} ms` : `${digits(ms / 1000, ms < 10_000)} s`;
};
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function frame(width = 760, height = 380): Frame {
  return { width, height, left: 72, right: 180, top: 40, bottom: 48 };
}

function svg(f: Frame, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${f.width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** p50 / p99 / p99.9 (log scale, ms) per offered rate, with the p99 target as a dashed line. */
export function latencyChart(rows: Array<{ rate: number; p50: number; p99: number; p999: number }>, targetP99Ms: number, title: string): string {
  const f = frame();
  const plotW = f.width - f.left - f.right;
  const plotH = f.height - f.top - f.bottom;
  const values = rows.flatMap((r) => [r.p50, r.p99, r.p999]).filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(0.1, Math.min(...values, targetP99Ms)))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, targetP99Ms) * 1.01)));
  const y = (v: number) => f.top + plotH - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotH;
  const x = (i: number) => f.left + ((i + 0.5) / rows.length) * plotW;
  const body: string[] = [];
  for (let d = lo; d <= hi; d *= 10) {
    body.push(`<line x1="${f.left}" x2="${f.left + plotW}" y1="${y(d)}" y2="${y(d)}" stroke="#ddd"/>`);
    body.push(`<text x="${f.left - 6}" y="${y(d) + 4}" text-anchor="end">${msLabel(d)}</text>`);
  }
  body.push(`<line x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.top + plotH}" stroke="#333"/>`);
  body.push(`<line x1="${f.left}" x2="${f.left + plotW}" y1="${f.top + plotH}" y2="${f.top + plotH}" stroke="#333"/>`);
  rows.forEach((r, i) => body.push(`<text x="${x(i)}" y="${f.top + plotH + 18}" text-anchor="middle">${r.rate.toLocaleString('en-US')}/s</text>`));
  body.push(`<text x="${f.left + plotW / 2}" y="${f.height - 8}" text-anchor="middle">offered webhook events per second</text>`);
  body.push(`<line x1="${f.left}" x2="${f.left + plotW}" y1="${y(targetP99Ms)}" y2="${y(targetP99Ms)}" stroke="#d62728" stroke-dasharray="6 4"/>`);
  const series: Array<[string, (r: (typeof rows)[number]) => number]> = [
    ['p50', (r) => r.p50],
    ['p99', (r) => r.p99],
    ['p99.9', (r) => r.p999],
  ];
  series.forEach(([name, pick], s) => {
    const points = rows.map((r, i) => `${x(i)},${y(pick(r))}`).join(' ');
    body.push(`<polyline points="${points}" fill="none" stroke="${COLORS[s]}" stroke-width="2"/>`);
    rows.forEach((r, i) => {
      body.push(`<circle cx="${x(i)}" cy="${y(pick(r))}" r="3.5" fill="${COLORS[s]}"/>`);
      // Values of p50 below the point, p99 above it; p99.9 is read from the legend and the table.
      if (s < 2) body.push(`<text x="${x(i) + 6}" y="${y(pick(r)) + (s === 0 ? 14 : -6)}" fill="${COLORS[s]}" font-size="10">${msLabel(pick(r))}</text>`);
    });
    body.push(`<rect x="${f.width - f.right + 16}" y="${f.top + s * 20}" width="12" height="12" fill="${COLORS[s]}"/>`);
    body.push(`<text x="${f.width - f.right + 34}" y="${f.top + s * 20 + 10}">${name}</text>`);
  });
  body.push(`<line x1="${f.width - f.right + 16}" x2="${f.width - f.right + 28}" y1="${f.top + 66}" y2="${f.top + 66}" stroke="#d62728" stroke-dasharray="4 2"/>`);
  body.push(`<text x="${f.width - f.right + 34}" y="${f.top + 70}">p99 target ${targetP99Ms} ms</text>`);
  return svg(f, title, body);
}

/** Memory (MB) of each process over the soak (minutes). */
export function memoryChart(series: Array<{ name: string; samples: Array<[number, number]> }>, title: string): string {
  const f = frame(760, 400);
  const plotW = f.width - f.left - f.right;
  const plotH = f.height - f.top - f.bottom;
  const tMax = Math.max(1, ...series.flatMap((s) => s.samples.map(([t]) => t)));
  const mMax = Math.max(1, ...series.flatMap((s) => s.samples.map(([, kb]) => kb / 1024)));
  const step = mMax > 400 ? 100 : mMax > 200 ? 50 : 25;
  const top = Math.ceil(mMax / step) * step;
  const x = (t: number) => f.left + (t / tMax) * plotW;
  const y = (mb: number) => f.top + plotH - (mb / top) * plotH;
  const body: string[] = [];
  for (let mb = 0; mb <= top; mb += step) {
    body.push(`<line x1="${f.left}" x2="${f.left + plotW}" y1="${y(mb)}" y2="${y(mb)}" stroke="#ddd"/>`);
    body.push(`<text x="${f.left - 6}" y="${y(mb) + 4}" text-anchor="end">${mb} MB</text>`);
  }
  const minutes = tMax / 60_000;
  const tick = minutes > 6 ? 2 : minutes > 2 ? 1 : 0.5;
  for (let m = 0; m <= minutes + 1e-9; m += tick) {
    body.push(`<text x="${x(m * 60_000)}" y="${f.top + plotH + 18}" text-anchor="middle">${m} min</text>`);
  }
  body.push(`<line x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.top + plotH}" stroke="#333"/>`);
  body.push(`<line x1="${f.left}" x2="${f.left + plotW}" y1="${f.top + plotH}" y2="${f.top + plotH}" stroke="#333"/>`);
  body.push(`<text x="${f.left + plotW / 2}" y="${f.height - 8}" text-anchor="middle">time into the soak</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const points = s.samples.map(([t, kb]) => `${x(t).toFixed(1)},${y(kb / 1024).toFixed(1)}`).join(' ');
    body.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2"/>`);
    body.push(`<rect x="${f.width - f.right + 16}" y="${f.top + i * 20}" width="12" height="12" fill="${color}"/>`);
    body.push(`<text x="${f.width - f.right + 34}" y="${f.top + i * 20 + 10}">${esc(s.name)}</text>`);
  });
  return svg(f, title, body);
}
