/**
 * The Weight initialisation guide's table of the tutorial CNN (the experiments app's own model): per
 * weighted layer, its fans and the standard deviation of its weights under the tutorial's three
 * schemes and PyTorch's default, all computed by `@minidl/init`'s `tabulate_init`, so the guide shows
 * what the library computes.
 *
 * Usage: `npx tsx --conditions=@minidl/source tools/docs/gen-tables.ts` rewrites the section in the
 * guide (the condition reads the packages from source, no build needed); `--check` only
 * reports whether it is up to date (the docs tests check the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TutorialCNN } from '@minidl/experiments';
import { type InitScheme, type InitTableRow, tabulate_init } from '@minidl/init';
import { markdownTable, readGenerated, replaceGenerated } from './generated.js';

export const GUIDE = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../docs/guides/weight-initialisation.md',
);
export const SECTION = 'tutorial-cnn-init';

/** The columns: the tutorial's three schemes, as its code calls them, and PyTorch's default. */
const SCHEMES: ReadonlyArray<readonly [title: string, scheme: InitScheme]> = [
  ['small-normal σ', { name: 'normal', mean: 0, std: 0.02 }],
  ['Xavier normal σ', { name: 'xavier_normal' }],
  ['Kaiming normal σ', { name: 'kaiming_normal' }],
  ['PyTorch default σ', { name: 'pytorch_default' }],
];

/** How the layer is written in the model, from its class and weight shape (`Conv2d(in, out, k)`). */
function moduleOf(row: InitTableRow): string {
  const [out, inp, k] = row.shape;
  return row.kind === 'Conv2d' ? `Conv2d(${inp}, ${out}, ${k})` : `${row.kind}(${inp}, ${out})`;
}

/** The guide's table, as markdown. */
export function tutorialCnnTable(): string {
  const model = new TutorialCNN();
  const columns = SCHEMES.map(([, scheme]) => tabulate_init(model, scheme));
  const rows = columns[0]!.map((first, i) => [
    `\`${first.name.replace(/\.weight$/, '')}\``,
    `\`${moduleOf(first)}\``,
    `\`[${first.shape.join(', ')}]\``,
    String(first.fan_in),
    String(first.fan_out),
    ...columns.map((rowsOfScheme) => rowsOfScheme[i]!.std.toFixed(4)),
  ]);
  return markdownTable(
    ['layer', 'module', 'weight shape', 'fan-in', 'fan-out', ...SCHEMES.map(([title]) => title)],
    rows,
    'lllrrrrrr',
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const md = readFileSync(GUIDE, 'utf8');
  const table = tutorialCnnTable();
  if (process.argv.includes('--check')) {
    const current = readGenerated(md, SECTION);
    if (current !== table) {
      console.error(
        `${GUIDE}: section ${SECTION} is out of date; run npx tsx --conditions=@minidl/source tools/docs/gen-tables.ts`,
      );
      process.exit(1);
    }
    console.log(`${SECTION} is up to date`);
  } else {
    writeFileSync(GUIDE, replaceGenerated(md, SECTION, table));
    console.log(`wrote ${SECTION} in ${GUIDE}`);
  }
}
