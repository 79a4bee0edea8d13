// A TypeDoc plugin so the site opens from its folder (file://) without console errors.
//
// TypeDoc's pages draw icons with `<use href="assets/icons.svg#icon-x">`. Chromium refuses to load
// an external SVG from a file:// page ("file: URLs are treated as unique security origins") and logs
// an error per icon before TypeDoc's icons.js swaps the references for its inline sprite. Pointing
// every `<use>` at the inline sprite (`#icon-x`) from the start is correct over http(s) too, because
// icons.js always inserts that sprite; SVG `<use>` references are live, so icons appear once it runs.
import { PageEvent } from 'typedoc';

const EXTERNAL_ICON = /(<use\b[^>]*\bhref=")[^"#]*assets\/icons\.svg(#icon-)/g;

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(PageEvent.END, (page) => {
    if (page.contents) page.contents = page.contents.replace(EXTERNAL_ICON, '$1$2');
  });
}
