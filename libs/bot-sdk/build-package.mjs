#!/usr/bin/env node
/**
 * Builds the SDK as an npm package a bot project outside this repository can install:
 *   node libs/bot-sdk/build-package.mjs [--out DIR]   →   DIR/mho-bot-sdk-<version>.tgz
 * DIR defaults to <repo>/dist/packages; a relative DIR is taken from the current directory.
 * The package holds the SDK and the contracts it is built on (compiled by SWC with the
 * repository's .swcrc, which rewrites `@app/contracts` to a relative import), their type
 * declarations (tsc), this folder's package.json and README.md. Its dependencies (@nats-io/*,
 * zod) are installed by the bot project from the registry as usual.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const sdk = dirname(fileURLToPath(import.meta.url));
const root = join(sdk, '..', '..');
const destination = packDestination();
// The staging folder stays under dist/ whatever --out says: it is emptied on every build, and
// tsconfig.build.json writes the declarations there.
const out = join(root, 'dist', 'packages', 'bot-sdk');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// JavaScript: libs/{bot-sdk,contracts}/src → dist/{bot-sdk,contracts}/src
run(bin('swc'), ['libs/bot-sdk/src', 'libs/contracts/src', '-d', join(out, 'dist'), '--strip-leading-paths', '--only', '**/*.ts', '--ignore', '**/*.spec.ts', '--quiet']);
// Declarations, then the alias tsc leaves in them becomes the same relative import SWC wrote.
run(bin('tsc'), ['-p', join(sdk, 'tsconfig.build.json')]);
for (const file of walk(join(out, 'dist', 'bot-sdk'))) {
  if (!file.endsWith('.d.ts')) continue;
  const target = relative(dirname(file), join(out, 'dist', 'contracts', 'src', 'index.js'));
  writeFileSync(file, readFileSync(file, 'utf8').replaceAll(`'@app/contracts'`, `'${target.startsWith('.') ? target : `./${target}`}'`));
}
for (const file of walk(join(out, 'dist')).filter((f) => !f.endsWith('.map'))) {
  if (/@app\//.test(readFileSync(file, 'utf8'))) throw new Error(`unresolved @app/ import left in ${relative(out, file)}`);
}
cpSync(join(sdk, 'package.json'), join(out, 'package.json'));
cpSync(join(sdk, 'README.md'), join(out, 'README.md'));
mkdirSync(destination, { recursive: true });
run('npm', ['pack', '--pack-destination', destination, '--silent'], out);

/** `--out DIR` (or `--out=DIR`), else <repo>/dist/packages; anything else stops with the usage. */
function packDestination() {
  const usage = 'usage: node libs/bot-sdk/build-package.mjs [--out DIR]';
  try {
    const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true, allowPositionals: false });
    if (values.out === undefined) return join(root, 'dist', 'packages');
    if (values.out.trim() === '') throw new Error('--out needs a directory');
    return resolve(values.out);
  } catch (error) {
    console.error(`build-package: ${error.message}\n${usage}`);
    process.exit(2);
  }
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
