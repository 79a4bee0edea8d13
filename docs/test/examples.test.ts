/**
 * Every TypeScript example in the guides (and in the packages' READMEs, which are the site's package
 * pages) compiles against the packages as they are now, and the examples marked `run` execute without
 * throwing and print what they promise, so a renamed or changed API breaks this test rather than the
 * reader's copy-paste. Examples are written as modules to docs/.examples/ (git-ignored),
 * where a failure can be inspected.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeExamples } from '../../tools/docs/examples.js';
import { exampleCompilerOptions, typecheckExamples } from '../../tools/docs/typecheck.js';

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const guidesDir = join(docsDir, 'guides');
const guides = [
  join(docsDir, 'index.md'),
  ...readdirSync(guidesDir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(guidesDir, f)),
];
/** The packages' READMEs are the site's package pages, so their examples are checked as well. */
const readmes = ['kernels', 'tensor', 'init', 'nn', 'train'].map((p) =>
  join(docsDir, '..', 'packages', p, 'README.md'),
);
const examples = writeExamples([...guides, ...readmes], join(docsDir, '.examples', 'guides'));

describe('guide examples', () => {
  it('every guide has at least one checked TypeScript example', () => {
    const withExamples = new Set(examples.map((e) => e.file));
    const without = guides.filter((g) => !withExamples.has(g) && !g.endsWith('index.md'));
    expect(without).toEqual([]);
  });

  it('type-check against the packages without errors', () => {
    const errors = typecheckExamples(examples, exampleCompilerOptions(join(docsDir, 'tsconfig.json')));
    expect(errors.map((e) => `${e.at}: ${e.message}`)).toEqual([]);
  }, 120_000);

  const runnable = examples.filter((e) => e.flags.has('run'));
  it.each(runnable.map((e) => [`${e.file.slice(docsDir.length + 1)}:${e.line}`, e] as const))(
    'runs %s',
    async (_name, example) => {
      await import(pathToFileURL(example.path).href);
    },
    60_000,
  );
});
