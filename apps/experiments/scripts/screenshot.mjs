#!/usr/bin/env node
// Opens a report.html in headless Chromium (offline: every network request is refused) and saves a
// full-page screenshot, to look at the report the way a reader would.
// Usage: node scripts/screenshot.mjs REPORT.html OUT.png [width]
import { chromium } from 'playwright-core';

const [report, out, width = '1400'] = process.argv.slice(2);
if (!report || !out) {
  console.error('usage: node scripts/screenshot.mjs REPORT.html OUT.png [width]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
  const requests = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL(report, `file://${process.cwd()}/`).href);
  await page.screenshot({ path: out, fullPage: true });
  console.log(
    `screenshot: ${out}; network requests attempted: ${requests.length}; page errors: ${errors.length}`,
  );
  if (requests.length > 0 || errors.length > 0) process.exitCode = 1;
} finally {
  await browser.close();
}
