// TEMPORARY (ingress engineer): the root vitest.config.ts lets unplugin-swc read .swcrc, whose
// `exclude` ignores every *.spec.ts, so no spec can run. Same config plus `swcrc: false`.
// Delete once the root config passes `swcrc: false` to swc.vite().
import { defineConfig, mergeConfig } from 'vitest/config';
import swc from 'unplugin-swc';
import root from '../../vitest.config.js';

const { plugins: _ignored, ...rest } = root as { plugins?: unknown };
export default mergeConfig(rest, defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  plugins: [
    swc.vite({
      swcrc: false,
      module: { type: 'es6' },
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        keepClassNames: true,
        target: 'es2023',
      },
    }),
  ],
}));
