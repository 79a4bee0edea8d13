/**
 * Checks every link of the generated site, so a broken link fails `npm run docs` (TypeDoc validates
 * `{@link}` tags and relative paths in markdown, but not the final HTML):
 * - each relative `href`/`src` must name a file in the site, and a `#fragment` an `id` on that page;
 * - nothing the pages load (scripts, styles, images) may come from the network: the site is read
 *   offline from its folder.
 * Usage: `tsx tools/docs/check-links.ts <site-dir>`; exits 1 listing every problem.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One broken reference: the page it is on, the attribute value, and why it is wrong. */
export interface LinkProblem {
  page: string;
  target: string;
  problem: string;
}

const ATTR = /<([a-z]+)\b[^>]*?\s(?:href|src)="([^"]*)"/gi;
const ID = /\sid="([^"]*)"/g;

/** Every `.html` file under `dir`, recursively. */
function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return htmlFiles(path);
    return path.endsWith('.html') ? [path] : [];
  });
}

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** All broken links and network dependencies of the site in `siteDir`. */
export function checkSite(siteDir: string): LinkProblem[] {
  const root = resolve(siteDir);
  const pages = htmlFiles(root);
  const idsCache = new Map<string, Set<string>>();
  const idsOf = (page: string): Set<string> => {
    let ids = idsCache.get(page);
    if (!ids) {
      ids = new Set([...readFileSync(page, 'utf8').matchAll(ID)].map((m) => decodeEntities(m[1]!)));
      idsCache.set(page, ids);
    }
    return ids;
  };
  const sprite = join(root, 'assets', 'icons.svg');
  const spriteIds = existsSync(sprite) ? idsOf(sprite) : new Set<string>();
  const problems: LinkProblem[] = [];
  for (const page of pages) {
    const html = readFileSync(page, 'utf8');
    for (const [, tag, raw] of html.matchAll(ATTR)) {
      const value = decodeEntities(raw!);
      const where = { page: relative(root, page), target: value };
      if (/^(https?:)?\/\//i.test(value)) {
        // Outbound links (<a href>) are fine to have; anything the page *loads* must be local.
        if (tag!.toLowerCase() !== 'a') problems.push({ ...where, problem: 'loaded from the network' });
        continue;
      }
      if (/^(mailto|data|javascript):/i.test(value) || value === '') continue;
      const [pathPart, fragment] = value.split('#', 2) as [string, string | undefined];
      const file = pathPart === '' ? page : resolve(dirname(page), decodeURIComponent(pathPart));
      if (!file.startsWith(root)) {
        problems.push({ ...where, problem: 'points outside the site folder' });
      } else if (!existsSync(file) || statSync(file).isDirectory()) {
        problems.push({ ...where, problem: 'no such file in the site' });
      } else if (fragment && file.endsWith('.html') && !idsOf(file).has(decodeURIComponent(fragment))) {
        // `<use href="#icon-x">` points into the icon sprite TypeDoc's icons.js inserts at load time
        // (see typedoc-offline-icons.mjs); its ids are those of assets/icons.svg.
        if (tag!.toLowerCase() === 'use' && pathPart === '' && spriteIds.has(fragment)) continue;
        problems.push({ ...where, problem: `no element with id "${fragment}" on that page` });
      }
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: tsx tools/docs/check-links.ts <site-dir>');
    process.exit(2);
  }
  const problems = checkSite(dir);
  for (const p of problems) console.error(`${p.page}: ${p.target}: ${p.problem}`);
  if (problems.length > 0) {
    console.error(`${problems.length} broken link(s) in ${dir}`);
    process.exit(1);
  }
  console.log(`links ok: every relative link and anchor in ${dir} resolves, nothing loads from the network`);
}
