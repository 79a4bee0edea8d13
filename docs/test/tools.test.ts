/** The docs tooling itself: code-block extraction, chaining, error mapping and the link checker. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSite } from '../../tools/docs/check-links.js';
import { extractBlocks, toExamples, writeExamples } from '../../tools/docs/examples.js';
import { exampleCompilerOptions, typecheckExamples } from '../../tools/docs/typecheck.js';

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const guide = [
  '# Title', //                    1
  '```python', //                  2
  'x = 1', //                      3
  '```', //                        4
  '```ts run', //                  5
  'const a: number = 1;', //       6
  '```', //                        7
  'prose', //                      8
  '````ts continue', //            9
  'const b = a + 1;', //           10
  '```', //                        11  (shorter inner fence: still code)
  '````', //                       12
].join('\n');

describe('extractBlocks', () => {
  it('finds only TypeScript blocks, with flags and the line of their first code line', () => {
    const blocks = extractBlocks(guide, 'g.md');
    expect(blocks.map((b) => [b.line, [...b.flags], b.code])).toEqual([
      [6, ['run'], 'const a: number = 1;'],
      [10, ['continue'], 'const b = a + 1;\n```'],
    ]);
  });

  it('rejects an unknown flag and an unclosed fence, naming the line', () => {
    expect(() => extractBlocks('```ts runn\nx\n```', 'g.md')).toThrow(
      "g.md:1: unknown code-block flag 'runn'",
    );
    expect(() => extractBlocks('text\n```ts\nx', 'g.md')).toThrow('g.md:2: code fence ``` is never closed');
  });
});

describe('toExamples', () => {
  it('puts the previous block in front of a continue block and counts its lines', () => {
    const [first, second] = toExamples(extractBlocks(guide, 'g.md'));
    expect(first!.prefixLines).toBe(0);
    expect(second!.source).toBe('const a: number = 1;\nconst b = a + 1;\n```\n');
    expect(second!.prefixLines).toBe(1);
  });

  it('refuses a continue block with nothing before it', () => {
    expect(() => toExamples(extractBlocks('```ts continue\nx\n```', 'g.md'))).toThrow('g.md:1:');
  });
});

describe('typecheckExamples', () => {
  it("reports an example's type error at its line in the guide, once", () => {
    const dir = mkdtempSync(join(tmpdir(), 'minidl-docs-'));
    const md = join(dir, 'bad.md');
    writeFileSync(
      md,
      ['intro', '```ts', 'const n: number = 1;', '```', '```ts continue', 'const s: string = n;', '```'].join(
        '\n',
      ),
    );
    // Written under docs/ so that the examples resolve packages the way the real guides do.
    const examples = writeExamples([md], join(docsDir, '.examples', 'selftest'));
    const errors = typecheckExamples(examples, exampleCompilerOptions(join(docsDir, 'tsconfig.json')));
    expect(errors).toEqual([
      { at: `${md}:6:7`, message: "Type 'number' is not assignable to type 'string'." },
    ]);
  }, 60_000);
});

describe('checkSite', () => {
  it('finds missing pages, missing anchors and assets loaded from the network', () => {
    const dir = mkdtempSync(join(tmpdir(), 'minidl-site-'));
    writeFileSync(join(dir, 'b.html'), '<h2 id="here">b</h2>');
    writeFileSync(
      join(dir, 'a.html'),
      [
        '<a href="b.html#here">ok</a>',
        '<a href="https://pytorch.org">outbound link: fine</a>',
        '<a href="c.html">missing page</a>',
        '<a href="b.html#gone">missing anchor</a>',
        '<script src="https://cdn.example/x.js"></script>',
      ].join('\n'),
    );
    expect(checkSite(dir)).toEqual([
      { page: 'a.html', target: 'c.html', problem: 'no such file in the site' },
      { page: 'a.html', target: 'b.html#gone', problem: 'no element with id "gone" on that page' },
      { page: 'a.html', target: 'https://cdn.example/x.js', problem: 'loaded from the network' },
    ]);
  });
});
