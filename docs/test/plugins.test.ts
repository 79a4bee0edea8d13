/**
 * The TypeDoc plugins under tools/docs, run by TypeDoc itself on a tiny package written for the test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Logger, LogLevel } from 'typedoc';
import { describe, expect, it } from 'vitest';

const tools = join(dirname(fileURLToPath(import.meta.url)), '../../tools/docs');

/** TypeDoc's warnings for a one-file package with `source` as its entry point. */
async function warningsFor(source: string, requireExample: boolean): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'minidl-plugin-'));
  writeFileSync(join(dir, 'index.ts'), source);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true }, files: ['index.ts'] }),
  );
  const app = await Application.bootstrapWithPlugins({
    options: join(dir, 'typedoc.json'),
    entryPoints: [join(dir, 'index.ts')],
    tsconfig: join(dir, 'tsconfig.json'),
    plugin: [join(tools, 'typedoc-require-example.mjs')],
    requireExample,
    disableSources: true,
    skipErrorChecking: true,
    logLevel: 'Warn',
  } as Parameters<typeof Application.bootstrapWithPlugins>[0]);
  const warnings: string[] = [];
  app.logger = new (class extends Logger {
    override log(message: string, level: LogLevel): void {
      super.log(message, level);
      if (level === LogLevel.Warn) warnings.push(message);
      if (level === LogLevel.Error) warnings.push(`ERROR ${message}`);
    }
  })();
  const project = await app.convert();
  if (!project) throw new Error(`conversion failed: ${warnings.join('; ')}`);
  app.validate(project);
  return warnings;
}

const source = [
  '/** Has one.\n * @example\n * ```ts\n * withExample();\n * ```\n */',
  'export function withExample(): void {}',
  '/** Has none. */',
  'export function withoutExample(): void {}',
  '/** A class without one. */',
  'export class Bare {}',
  '/** Types need no example. */',
  'export type Alias = number;',
].join('\n');

describe('typedoc-require-example', () => {
  it('warns for each exported value without an @example, naming it, and for nothing else', async () => {
    const warnings = await warningsFor(source, true);
    expect(
      warnings
        .filter((w) => w.includes('@example'))
        .map((w) => w.split(' ')[1])
        .sort(),
    ).toEqual(['Bare', 'withoutExample']);
  }, 60_000);

  it('is silent when requireExample is off', async () => {
    expect((await warningsFor(source, false)).filter((w) => w.includes('@example'))).toEqual([]);
  }, 60_000);
});
