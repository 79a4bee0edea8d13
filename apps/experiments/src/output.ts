/**
 * Writes an experiment's outputs to its folder, each file atomically: summary.json, the CSV
 * files, plots/<name>.svg and .png, and report.html.
 */
import { join } from 'node:path';
import { csvFiles } from './csv.js';
import { figures } from './plots.js';
import { svgToPng } from './png.js';
import { reportHtml } from './report.js';
import { writeFileAtomic } from './store.js';
import type { Summary } from './summary.js';

/**
 * Writes every output file and returns their paths.
 *
 * @example
 * ```ts
 * writeOutputs('results/x', summary, { png: true });
 * ```
 */
export function writeOutputs(dir: string, summary: Summary, options: { png: boolean }): string[] {
  const written: string[] = [];
  const write = (name: string, data: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileAtomic(path, data);
    written.push(path);
  };
  write('summary.json', `${JSON.stringify(summary, null, 1)}\n`);
  for (const [name, text] of Object.entries(csvFiles(summary.runs, summary.summary))) write(name, text);
  const figs = figures(summary.runs, summary.reference?.runs ?? []);
  for (const fig of figs) {
    write(join('plots', `${fig.name}.svg`), fig.svg);
    if (options.png) write(join('plots', `${fig.name}.png`), svgToPng(fig.svg));
  }
  write('report.html', reportHtml(summary, figs));
  return written;
}
