// Builds the job view into one self-contained HTML file (script and styles inlined, nothing from the network) at
// src/ReplicateMcp/Mcp/JobView/job-view.html, which the server embeds. `--check` builds in memory and fails when the
// committed file differs (CI: the view's source changed but the built file was not rebuilt and committed).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const OUTPUT = join(here, '..', 'ReplicateMcp', 'Mcp', 'JobView', 'job-view.html');
export const MAX_BYTES = 1_000_000;

export async function buildHtml() {
  const bundle = await build({
    entryPoints: [join(here, 'src', 'main.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2022'],
    platform: 'browser',
    legalComments: 'none',
    write: false,
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0].text;
  const styles = (await build({ entryPoints: [join(here, 'src', 'styles.css')], bundle: true, minify: true, write: false, logLevel: 'error' })).outputFiles[0].text;
  // An inline script ends at the first "</script" whatever the JavaScript around it means.
  if (/<\/script/i.test(script) || /<\/style/i.test(styles)) throw new Error('the bundle contains a closing tag that would end it early');
  const html = readFileSync(join(here, 'src', 'index.html'), 'utf8')
    .replace('/*STYLES*/', () => styles.trim())
    .replace('/*SCRIPT*/', () => script.trim());
  if (Buffer.byteLength(html) > MAX_BYTES) throw new Error(`the view is ${Buffer.byteLength(html)} bytes, over ${MAX_BYTES}`);
  return html;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const html = await buildHtml();
  if (process.argv.includes('--check')) {
    let committed = '';
    try { committed = readFileSync(OUTPUT, 'utf8'); } catch { /* missing: stale */ }
    if (committed !== html) {
      console.error(`${OUTPUT} is stale: run \`npm run build --prefix src/view\` and commit it.`);
      process.exit(1);
    }
    console.log(`job view up to date (${Buffer.byteLength(html)} bytes)`);
  } else {
    writeFileSync(OUTPUT, html);
    console.log(`wrote ${OUTPUT} (${Buffer.byteLength(html)} bytes)`);
  }
}
