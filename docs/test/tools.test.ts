/** The docs tooling itself: code-block extraction, chaining, error mapping and the link checker. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { kernelTable, type TrainResult, trainTable } from '../../tools/docs/bench-tables.js';
import { checkSite } from '../../tools/docs/check-links.js';
import { extractBlocks, moduleSource, toExamples, writeExamples } from '../../tools/docs/examples.js';
import { markdownTable, readGenerated, replaceGenerated } from '../../tools/docs/generated.js';
import { type ResultsSummary, snapshotMarkdown } from '../../tools/docs/snapshot-experiments.js';
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

describe('moduleSource', () => {
  const md = [
    '```ts run',
    'console.log(1 + 1); // => 2',
    '```',
    '```ts run continue',
    'console.log([1]); // => [1]',
    '```',
  ];
  const [first, second] = toExamples(extractBlocks(md.join('\n'), 'g.md'));

  it("turns a run block's `// =>` lines into checks that name the guide line, and only its own", () => {
    expect(moduleSource(first!)).toContain('__expectPrinted(1 + 1, 2, "g.md:2");');
    const src = moduleSource(second!);
    expect(src).toContain('console.log(1 + 1); // => 2\n__expectPrinted([1], [1], "g.md:5");');
  });

  it('leaves blocks that do not run as they are', () => {
    const [plain] = toExamples(extractBlocks('```ts\nconsole.log(1); // => 2\n```', 'g.md'));
    expect(moduleSource(plain!)).toBe('console.log(1); // => 2\nexport {};\n');
  });

  it('fails the run when the value differs, quoting both', async () => {
    const [bad] = toExamples(extractBlocks('```ts run\nconsole.log([1, 2]); // => [1, 3]\n```', 'bad.md'));
    const dir = join(docsDir, '.examples', 'selftest-run');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'bad.ts');
    writeFileSync(path, moduleSource(bad!));
    await expect(import(path)).rejects.toThrow('bad.md:2: printed [1,2], the guide says [1,3]');
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
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'icons.svg'), '<svg><symbol id="icon-ok"></symbol></svg>');
    writeFileSync(join(dir, 'b.html'), '<h2 id="here">b</h2>');
    writeFileSync(
      join(dir, 'a.html'),
      [
        '<a href="b.html#here">ok</a>',
        '<a href="https://pytorch.org">outbound link: fine</a>',
        '<a href="c.html">missing page</a>',
        '<a href="b.html#gone">missing anchor</a>',
        '<script src="https://cdn.example/x.js"></script>',
        '<svg><use href="#icon-ok"></use><use href="#icon-gone"></use></svg>',
      ].join('\n'),
    );
    expect(checkSite(dir)).toEqual([
      { page: 'a.html', target: 'c.html', problem: 'no such file in the site' },
      { page: 'a.html', target: 'b.html#gone', problem: 'no element with id "gone" on that page' },
      { page: 'a.html', target: 'https://cdn.example/x.js', problem: 'loaded from the network' },
      { page: 'a.html', target: '#icon-gone', problem: 'no element with id "icon-gone" on that page' },
    ]);
  });
});

describe('generated sections', () => {
  const doc = 'intro\n<!-- BEGIN GENERATED: t (script) -->\nold\n<!-- END GENERATED: t -->\noutro\n';

  it('reads and replaces only the body between the markers', () => {
    expect(readGenerated(doc, 't')).toBe('old');
    const next = replaceGenerated(doc, 't', '| a |');
    expect(next).toBe(
      'intro\n<!-- BEGIN GENERATED: t (script) -->\n\n| a |\n\n<!-- END GENERATED: t -->\noutro\n',
    );
    expect(replaceGenerated(next, 't', '| a |')).toBe(next);
  });

  it('names the missing marker', () => {
    expect(() => readGenerated(doc, 'u')).toThrow("no '<!-- BEGIN GENERATED: u ... -->' marker");
    expect(() => readGenerated('<!-- BEGIN GENERATED: t -->\nx', 't')).toThrow(
      "no '<!-- END GENERATED: t -->'",
    );
  });

  it('builds aligned markdown tables', () => {
    expect(markdownTable(['a', 'b'], [['1', '2']], 'lr')).toBe('| a | b |\n| --- | ---: |\n| 1 | 2 |');
  });
});

describe('snapshotMarkdown', () => {
  const results: ResultsSummary = {
    config: {
      model: 'tutorial-cnn',
      epochs: 2,
      batch_size: 16,
      lr: 0.0002,
      optimizer: 'sgd',
      data: 'embedded',
    },
    seeds: [0, 1],
    versions: { node: 'v20.0.0', cpu: 'Test CPU', threads: 2 },
    summary: [
      {
        scheme: 'kaiming',
        runs: 2,
        final_test_acc: { mean: 0.9, std: 0.01 },
        final_test_loss: { mean: 0.3, std: 0.02 },
        steps_to_50: { mean: 350.4, reached: 2 },
        steps_to_90: { mean: 1200, reached: 1 },
        samples_per_s: 1234.5,
      },
    ],
    runs: [
      {
        scheme: 'kaiming',
        seed: 0,
        history: [
          { epoch: 1, test_acc: 0.8 },
          { epoch: 2, test_acc: 0.89 },
        ],
      },
      {
        scheme: 'kaiming',
        seed: 1,
        history: [
          { epoch: 1, test_acc: 0.7 },
          { epoch: 2, test_acc: 0.91 },
        ],
      },
    ],
  };

  it('tabulates the summary, the mean accuracy per epoch and the plots that exist', () => {
    const md = snapshotMarkdown(results, 'media/x', ['test-accuracy']);
    expect(md).toContain('| `kaiming` | 90.0% ± 1.0% | 0.300 ± 0.020 | 350 | 1,200 (1 of 2 runs) | 1,235 |');
    expect(md).toContain('| 1 | 75.0% |\n| 2 | 90.0% |');
    expect(md).toContain('](media/x/test-accuracy.png)');
    expect(md).not.toContain('train-loss.png');
  });
});

describe('the site configuration', () => {
  it('lists every guide in docs/guides, in reading order, as a project document', () => {
    // typedoc.json has comments: read it the way TypeScript reads tsconfig files.
    const text = readFileSync(join(docsDir, 'typedoc.json'), 'utf8');
    const config = ts.parseConfigFileTextToJson('typedoc.json', text).config as {
      projectDocuments: string[];
    };
    const onDisk = readdirSync(join(docsDir, 'guides')).filter((f) => f.endsWith('.md'));
    expect([...config.projectDocuments].map((p) => p.replace('guides/', '')).sort()).toEqual(onDisk.sort());
    expect(onDisk.length).toBeGreaterThanOrEqual(5);
  });
});

describe('kernelTable', () => {
  it('puts each engine and thread count in a column and divides PyTorch time by minidl time', () => {
    const md = kernelTable([
      { engine: 'tfjs-cpu', kernel: 'sgemm_512', threads: 1, ms: 900, gflops: 0.3 },
      { engine: 'minidl', kernel: 'sgemm_512', threads: 2, ms: 4, gflops: 67.1 },
      { engine: 'torch', kernel: 'sgemm_512', threads: 2, ms: 3, gflops: 89.5 },
      { engine: 'minidl', kernel: 'conv1_forward', threads: 2, ms: 12.5, gflops: 10 },
    ]);
    expect(md.split('\n')[0]).toBe(
      '| kernel | minidl, 2 threads | PyTorch, 2 threads | tfjs-core cpu, 1 thread | minidl speed vs PyTorch, 2 threads |',
    );
    expect(md).toContain('| `sgemm_512` | 4.00 ms (67.1) | 3.00 ms (89.5) | 900 ms (0.3) | 0.75× |');
    expect(md).toContain('| `conv1_forward` | 12.5 ms (10.0) | — | — | — |');
  });
});

describe('trainTable', () => {
  it('shows minidl and PyTorch per batch, their ratio, and the memory growth of a long run', () => {
    const torch = { batch: 64, threads: 2, step_ms: 31, samples_per_sec: 2064.5, peak_rss_mb: 400 };
    const md = trainTable([
      {
        engine: 'minidl',
        batch: 64,
        threads: 2,
        step_ms: 40,
        samples_per_sec: 1600,
        peak_rss_mb: 310.4,
        torch,
      },
      { mode: 'memory', step: 500 } as unknown as TrainResult,
      { from_step: 5000, to_step: 10000, rss_mb: 0.4, wasm_memory_mb: 0, max_rss_mb: 290 },
    ]);
    expect(md).toContain('| 64 | 2 | 40.0 | 1,600 | 310 MB | 31.0 | 2,065 | 0.78× |');
    expect(md.split('\n').filter((l) => l.startsWith('| 6'))).toHaveLength(1);
    expect(md).toContain(
      'from step 5000 to step 10000, RSS changed by +0.4 MB and WebAssembly memory by +0 MB',
    );
  });
});
