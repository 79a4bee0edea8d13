/**
 * Type-checks the guides' examples with the TypeScript compiler API, against the packages' sources
 * (the `@minidl/source` export condition of tsconfig.base.json), and reports each error at its line
 * in the guide rather than in the generated module.
 */
import { resolve } from 'node:path';
import ts from 'typescript';
import type { Example } from './examples.js';

/** A compiler error inside a guide's code block. */
export interface ExampleError {
  /** `guide.md:line:column`. */
  at: string;
  message: string;
}

/**
 * Compiler options for examples: the repository's strict settings, minus the unused-name checks
 * (a guide may declare a value only to show it) and without emitting anything.
 */
export function exampleCompilerOptions(tsconfigPath: string): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfigPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${tsconfigPath}`);
  return { ...parsed.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false };
}

/**
 * Every error the compiler finds in the examples' own code (errors in a `continue` block's prefix are
 * reported once, at the block they belong to).
 */
export function typecheckExamples(
  examples: ReadonlyArray<Example & { path: string }>,
  options: ts.CompilerOptions,
): ExampleError[] {
  const byPath = new Map(examples.map((e) => [resolve(e.path), e]));
  const program = ts.createProgram({ rootNames: [...byPath.keys()], options });
  const errors: ExampleError[] = [];
  for (const diag of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diag.messageText, '\n');
    const example = diag.file ? byPath.get(resolve(diag.file.fileName)) : undefined;
    if (!diag.file || diag.start === undefined || !example) {
      // An error outside the examples (a package's source, a config): still a failure, shown as is.
      errors.push({ at: diag.file?.fileName ?? '(compiler options)', message });
      continue;
    }
    const { line, character } = diag.file.getLineAndCharacterOfPosition(diag.start);
    const lineInBlock = line - example.prefixLines;
    if (lineInBlock < 0) continue;
    errors.push({ at: `${example.file}:${example.line + lineInBlock}:${character + 1}`, message });
  }
  return errors;
}
