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
 * reported once, at the block they belong to), and configuration errors.
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
    if (!diag.file) {
      // A configuration error: nothing compiled as intended.
      errors.push({ at: '(compiler options)', message });
      continue;
    }
    // Errors inside a package's own source are its typecheck target's to report, not the guides'.
    const example = byPath.get(resolve(diag.file.fileName));
    if (!example || diag.start === undefined) continue;
    const { line, character } = diag.file.getLineAndCharacterOfPosition(diag.start);
    const lineInBlock = line - example.prefixLines;
    if (lineInBlock < 0) continue;
    errors.push({ at: `${example.file}:${example.line + lineInBlock}:${character + 1}`, message });
  }
  return errors;
}
