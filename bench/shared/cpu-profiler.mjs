// Preloaded into a service under benchmark (`node --import`; bench/ingress/profile.mjs, and
// bench/thread-ownership/ownership-bench.ts when BENCH_PROFILE is set): the first SIGWINCH starts
// V8's sampling profiler, the second writes the profile to CPU_PROFILE_OUT. Not --cpu-prof: that
// writes only on a normal exit, and Nest's shutdown hooks end the process by re-raising SIGTERM
// (and Nest treats SIGUSR2 as a shutdown signal too); a signal pair also leaves the warm-up out.
// Plain ESM JS.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
const post = (method, params = {}) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
let running = false;

process.on('SIGWINCH', async () => {
  if (!running) {
    running = true;
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: Number(process.env.CPU_PROFILE_INTERVAL_US ?? 200) });
    await post('Profiler.start');
    return;
  }
  running = false;
  const { profile } = await post('Profiler.stop');
  const out = process.env.CPU_PROFILE_OUT ?? `service-${process.pid}.cpuprofile`;
  writeFileSync(out, JSON.stringify(profile));
  process.stderr.write(`cpu profile written to ${out}\n`);
});
