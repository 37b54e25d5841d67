import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const lib = (name: string) => fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
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
  resolve: {
    alias: {
      '@app/contracts': lib('contracts'),
      '@app/platform': lib('platform'),
      '@app/messaging': lib('messaging'),
      '@app/graph-api': lib('graph-api'),
      '@app/bot-sdk': lib('bot-sdk'),
      '@app/messenger-emulator': lib('messenger-emulator'),
    },
  },
  test: {
    include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'bench/**/*.spec.ts', 'test/repo/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    environment: 'node',
    pool: 'forks',
    setupFiles: ['./test/setup/reflect-metadata.ts'],
    globalSetup: ['./test/setup/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
