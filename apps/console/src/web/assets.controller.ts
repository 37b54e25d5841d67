import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Header, type OnModuleInit } from '@nestjs/common';
import { CONSOLE_CSS } from './console-styles.js';

/**
 * The browser script and the stylesheet (public: they hold no data). The script is
 * `client/console-client.ts`, compiled by the project's build like every other file; when the
 * console runs from source (tests), it is compiled here once, the same way.
 */
@Controller('assets')
export class AssetsController implements OnModuleInit {
  private script = '';

  async onModuleInit(): Promise<void> {
    this.script = await loadClientScript();
  }

  @Get('console.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  js(): string {
    return this.script;
  }

  @Get('console.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'no-cache')
  css(): string {
    return CONSOLE_CSS;
  }
}

async function loadClientScript(): Promise<string> {
  const source = (ext: string) => fileURLToPath(new URL(`./client/console-client.${ext}`, import.meta.url));
  if (!import.meta.url.endsWith('.ts')) return stripSourceMap(await readFile(source('js'), 'utf8'));
  const { transformFile } = await import('@swc/core');
  const output = await transformFile(source('ts'), {
    swcrc: false,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  });
  return output.code;
}

const stripSourceMap = (code: string): string => code.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
