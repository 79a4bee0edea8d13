/**
 * The guides' TypeScript code blocks as compilable modules, so the docs tests can type-check every
 * example against the packages (and run the cheap ones) and no example can silently rot.
 *
 * Fence syntax in the guides (the words after the language are flags):
 * - ```` ```ts ```` — a self-contained module; type-checked.
 * - ```` ```ts run ```` — also executed by the tests (keep these cheap: no training); in these, a
 *   `console.log(expr); // => value` line checks that `expr` deep-equals the literal `value`.
 * - ```` ```ts continue ```` — continues the previous `ts` block of the same guide: it is checked
 *   (and run) with that block's code in front of it, so a guide can build a program step by step.
 * Other languages (```` ```python ````, ```` ```sh ````) are prose and are not checked.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const TS_LANGS = new Set(['ts', 'typescript']);
const FLAGS = new Set(['run', 'continue']);

/** One fenced TypeScript block of a guide. */
export interface CodeBlock {
  /** The guide it comes from (path as given). */
  file: string;
  /** 1-based line of the block's first code line in the guide. */
  line: number;
  /** Flags after the language: `run`, `continue`. */
  flags: ReadonlySet<string>;
  /** The block's own code. */
  code: string;
}

/** A block ready to compile: its code with the blocks it continues in front. */
export interface Example extends CodeBlock {
  /** The full module source (prefix + own code). */
  source: string;
  /** Lines of `source` before the block's own code (0 for a self-contained block). */
  prefixLines: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * The fenced code blocks of a markdown document whose language is TypeScript, in order.
 * @throws for an unknown flag or an unclosed fence, naming the guide and line.
 */
export function extractBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const [lang = '', ...flags] = open[2]!.trim().split(/\s+/);
    const start = i + 1;
    let end = start;
    // A closing fence is the same character, at least as long, and nothing after it (CommonMark).
    while (end < lines.length && !isClosingFence(lines[end]!, fence)) end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: code fence ${fence} is never closed`);
    if (TS_LANGS.has(lang.toLowerCase())) {
      for (const flag of flags) {
        if (!FLAGS.has(flag)) {
          throw new Error(
            `${file}:${i + 1}: unknown code-block flag '${flag}' (valid: ${[...FLAGS].join(', ')})`,
          );
        }
      }
      blocks.push({ file, line: start + 1, flags: new Set(flags), code: lines.slice(start, end).join('\n') });
    }
    i = end;
  }
  return blocks;
}

function isClosingFence(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed === fence[0]!.repeat(trimmed.length);
}

/**
 * Chains `continue` blocks onto the block before them, giving each block its full module source.
 * @throws when a guide's first TypeScript block says `continue` (there is nothing to continue).
 */
export function toExamples(blocks: readonly CodeBlock[]): Example[] {
  const out: Example[] = [];
  for (const block of blocks) {
    const prev = out.at(-1);
    if (!block.flags.has('continue')) {
      out.push({ ...block, source: `${block.code}\n`, prefixLines: 0 });
      continue;
    }
    if (!prev || prev.file !== block.file) {
      throw new Error(`${block.file}:${block.line - 1}: a 'continue' block needs a ts block before it`);
    }
    const prefix = prev.source;
    out.push({ ...block, source: `${prefix}${block.code}\n`, prefixLines: prefix.split('\n').length - 1 });
  }
  return out;
}

/**
 * The module file name an example is written to, `<folder>-<file>.L<line>.ts` (the folder keeps the
 * packages' READMEs apart), readable in error output.
 */
export function exampleFileName(example: CodeBlock): string {
  return `${basename(dirname(example.file))}-${basename(example.file, '.md')}.L${example.line}.ts`;
}

/** `console.log(expr); // => value`: a printed value the guide promises, checked when the block runs. */
const CHECKED_LOG = /^(\s*)console\.log\((.*)\);\s*\/\/ => (.*)$/;

/**
 * The module source of an example. In a `run` example, each `console.log(expr); // => value` line
 * becomes an assertion that `expr` deep-equals the JavaScript literal `value` (same line, so compiler
 * errors keep their line numbers); the assertion helper is appended after the code.
 */
export function moduleSource(example: Example): string {
  // `export {}` makes every example a module even when it imports nothing, so top-level names of
  // different examples never collide and top-level await is allowed.
  if (!example.flags.has('run')) return `${example.source}export {};\n`;
  const lines = example.source.split('\n').map((line, i) => {
    // Lines of the blocks this one continues were checked when those blocks ran.
    const m = i >= example.prefixLines ? CHECKED_LOG.exec(line) : null;
    if (!m) return line;
    const at = `${example.file}:${example.line + i - example.prefixLines}`;
    return `${m[1]}__expectPrinted(${m[2]}, ${m[3]}, ${JSON.stringify(at)});`;
  });
  return `${lines.join('\n')}export {};
import { deepStrictEqual as __deepStrictEqual } from 'node:assert';
function __expectPrinted(actual: unknown, expected: unknown, at: string): void {
  console.log(actual);
  __deepStrictEqual(actual, expected, \`\${at}: printed \${JSON.stringify(actual)}, the guide says \${JSON.stringify(expected)}\`);
}
`;
}

/**
 * Reads the guides, writes each TypeScript example as a module into `outDir` (emptied first) and
 * returns the examples with the path each was written to.
 */
export function writeExamples(guides: readonly string[], outDir: string): Array<Example & { path: string }> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  return guides.flatMap((guide) =>
    toExamples(extractBlocks(readFileSync(guide, 'utf8'), guide)).map((example) => {
      const path = join(outDir, exampleFileName(example));
      writeFileSync(path, moduleSource(example));
      return { ...example, path };
    }),
  );
}
