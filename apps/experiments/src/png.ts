/**
 * SVG -> PNG with resvg (no browser). Text needs a font: resvg loads the system's fonts, and we
 * also hand it the first of a few common sans-serif files that exists. On a machine without any
 * font the PNGs are drawn without text (lines, bands and axes only); the SVGs and report.html keep
 * their text, since viewers supply fonts themselves. `pngFontStatus()` says which case applies.
 */
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

const CANDIDATE_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/lato/Lato-Regular.ttf',
  '/System/Library/Fonts/Helvetica.ttc',
  'C:\\Windows\\Fonts\\arial.ttf',
];

/** The font file resvg is given explicitly, or undefined (system fonts only, perhaps none). */
export function pngFont(): string | undefined {
  return CANDIDATE_FONTS.find((path) => existsSync(path));
}

/**
 * Renders an SVG document to PNG bytes at twice its size (crisp on high-DPI screens).
 *
 * @example
 * ```ts
 * writeFileSync('loss.png', svgToPng(lineChart(spec)));
 * ```
 */
export function svgToPng(svg: string): Uint8Array {
  const font = pngFont();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, ...(font ? { fontFiles: [font], defaultFontFamily: 'DejaVu Sans' } : {}) },
  });
  return resvg.render().asPng();
}
