// A TypeDoc plugin: every public value a package exports (function, class, constant, including those
// inside exported namespaces such as `F` or `nn.init`) must carry an `@example` block in its TSDoc.
// TypeDoc's own `validation.notDocumented` only asks for *some* comment; minidl promises an example
// on every export, so a missing one is reported as a warning, which `treatWarningsAsErrors` turns
// into a failed `npm run docs`. Types and interfaces need a comment (notDocumented) but no example:
// there is nothing to call.
//
// Plain JavaScript (not TypeScript) because TypeDoc loads plugins with Node's own `import()`.
import { Application, ParameterType, ReflectionKind } from 'typedoc';

const OPTION = 'requireExample';

/** Kinds a user calls or constructs: these are the exports that need an example. */
const VALUE_KINDS = ReflectionKind.Function | ReflectionKind.Class | ReflectionKind.Variable;

/** Containers whose children are still "exports" (a module, or a namespace re-exported by name). */
const EXPORT_CONTAINERS = ReflectionKind.Project | ReflectionKind.Module | ReflectionKind.Namespace;

/**
 * True when the reflection, or any of its signatures (TypeDoc keeps a function's comment on its call
 * signatures), has an `@example` block tag.
 * @param {import('typedoc').DeclarationReflection} refl
 */
function hasExample(refl) {
  const comments = [refl.comment, ...(refl.signatures ?? []).map((s) => s.comment)];
  return comments.some((c) => c?.blockTags.some((tag) => tag.tag === '@example'));
}

/** @param {import('typedoc').Reflection} refl */
function isExported(refl) {
  for (let p = refl.parent; p; p = p.parent) {
    if (!p.kindOf(EXPORT_CONTAINERS)) return false;
  }
  return true;
}

/** @param {import('typedoc').DeclarationReflection} refl */
function where(refl) {
  const src = refl.sources?.[0] ?? refl.signatures?.[0]?.sources?.[0];
  return src ? ` (${src.fullFileName}:${src.line})` : '';
}

/** @param {Application} app */
export function load(app) {
  app.options.addDeclaration({
    name: OPTION,
    help: 'Warn for every exported function, class or constant whose TSDoc has no @example block.',
    type: ParameterType.Boolean,
    defaultValue: false,
  });

  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    // In "packages" mode each package is validated on its own (with the package's options) and then
    // the merged site once more; check the packages, where source locations are exact.
    if (!app.options.getValue(OPTION)) return;
    for (const refl of project.getReflectionsByKind(VALUE_KINDS)) {
      if (!isExported(refl) || hasExample(refl)) continue;
      app.logger.warn(
        `${project.packageName ?? project.name}: ${refl.getFriendlyFullName()}${where(refl)} ` +
          'has no @example in its TSDoc; add a short ```ts example of how to call it.',
      );
    }
  });
}
