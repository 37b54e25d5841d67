import { createGraphEmulator } from '@app/messenger-emulator';
import { EnvError, readEmulatorEnv, type EmulatorProcessConfig } from './env.js';

/** Reads the environment or exits 1 with a message naming the bad variable. */
function loadConfig(): EmulatorProcessConfig {
  try {
    return readEmulatorEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(`messenger-emulator: invalid configuration: ${error.message}`);
    process.exit(1);
  }
}

const config = loadConfig();
const emulator = await createGraphEmulator(config);
const checks = [
  config.appSecret ? 'appsecret_proof required' : 'no appsecret_proof check',
  `${Object.keys(config.tokens).length} page token(s)`,
  `control API at ${emulator.url}/_emulator`,
  config.webhookUrl ? `user messages posted to ${config.webhookUrl}` : 'no EMULATOR_WEBHOOK_URL: user messages off',
];
console.log(`messenger-emulator listening on ${emulator.url} (${checks.join('; ')})`);

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  // SIGTERM arriving after SIGINT must not start a second close. (A second Ctrl-C has no
  // handler left, so it kills the process: the usual escape hatch if closing hangs.)
  if (stopping) return;
  stopping = true;
  try {
    await emulator.close();
    console.log(`messenger-emulator stopped (${signal})`);
    process.exit(0);
  } catch (error) {
    console.error('messenger-emulator: error while closing', error);
    process.exit(1);
  }
}

process.once('SIGINT', (signal) => void shutdown(signal));
process.once('SIGTERM', (signal) => void shutdown(signal));
