/**
 * Generated sections of the guides: markdown between
 * `<!-- BEGIN GENERATED: name ... -->` and `<!-- END GENERATED: name -->`, rewritten by scripts under
 * tools/docs so tables of numbers come from the code (or from a results snapshot), never retyped.
 */

function markers(markdown: string, name: string): { start: number; end: number } {
  const begin = new RegExp(`<!-- BEGIN GENERATED: ${name}\\b[^>]*-->\\n`);
  const endMarker = `<!-- END GENERATED: ${name} -->`;
  const open = begin.exec(markdown);
  if (!open) throw new Error(`no '<!-- BEGIN GENERATED: ${name} ... -->' marker`);
  const start = open.index + open[0].length;
  const end = markdown.indexOf(endMarker, start);
  if (end < 0) throw new Error(`no '${endMarker}' marker after its BEGIN marker`);
  return { start, end };
}

/** The current body of the generated section `name`, without its blank first and last lines. */
export function readGenerated(markdown: string, name: string): string {
  const { start, end } = markers(markdown, name);
  return markdown.slice(start, end).trim();
}

/**
 * The markdown with the body of section `name` replaced by `body`, framed by blank lines so the
 * markdown around the HTML-comment markers parses as ordinary blocks.
 * @throws if the section's markers are missing.
 */
export function replaceGenerated(markdown: string, name: string, body: string): string {
  const { start, end } = markers(markdown, name);
  return `${markdown.slice(0, start)}\n${body.trim()}\n\n${markdown.slice(end)}`;
}

/** A markdown table; `align` gives `r` for right-aligned (numeric) columns. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align = '',
): string {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
