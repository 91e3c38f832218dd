// The job view in a real browser (contract §11, issue 22): Chromium hosting the view through the official AppBridge
// in a sandboxed iframe under the CSP derived from the resource's _meta.ui.csp, against the real server (simulator).
// Every test ends with no script error and no CSP violation in any frame. VIEW_SCREENSHOTS=<dir> saves the
// screenshots the README shows.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { UI_EXTENSION, VIEW_URI, startBrowser, startServer, until, viewText } from './harness.mjs';

const IMAGE = 'black-forest-labs/flux-schnell';
const LLM = 'meta/meta-llama-3-8b-instruct';
const FAILS = 'acme/always-fail';

// Strings a user or a model could write, each of which would run script or call a tool if the view parsed it as HTML
// or followed it as a link.
const callCancel = "parent.postMessage({jsonrpc:'2.0',id:9001,method:'tools/call',params:{name:'replicate_batch_cancel',arguments:{job_id:'x'}}},'*')";
const HOSTILE = [
  `<img src=x onerror="window.__pwned=1;${callCancel}">`,
  `<script>window.__pwned=2;${callCancel}</script>`,
  `<a href="javascript:window.__pwned=3">click me</a>`,
  `<svg onload="window.__pwned=4"></svg>`,
  'javascript:window.__pwned=5',
];

let server;
let host;

async function screenshot(frame, name) {
  const dir = process.env.VIEW_SCREENSHOTS;
  if (!dir) return;
  const element = await frame.frameElement();
  await element.screenshot({ path: join(dir, name) });
}

const statusCalls = () => host.calls.filter((c) => /_status$/.test(c.name));
// The job's status word; '' until the first status has been shown (the start answer shows none).
const badge = (frame) => frame.$eval('.summary .badge', (b) => b.textContent).catch(() => '');

async function runToEnd(tool, args) {
  const started = await server.client.callTool({ name: tool, arguments: args });
  assert.ok(!started.isError, JSON.stringify(started.content));
  const kind = tool.startsWith('replicate_batch') ? 'batch' : 'pipeline';
  const idArg = kind === 'batch' ? { job_id: started.structuredContent.job_id } : { pipeline_id: started.structuredContent.pipeline_id };
  for (;;) {
    const status = await server.client.callTool({ name: `replicate_${kind}_status`, arguments: { ...idArg, wait_seconds: 20 } });
    if (status.structuredContent.status !== 'running') return status;
  }
}

describe('job view in a browser', () => {
  before(async () => {
    server = await startServer({ seconds: 2 });
    host = await startBrowser(server);
  });
  after(async () => {
    await host?.close();
    await server?.close();
  });
  afterEach(() => {
    const problems = host.problems.splice(0);
    assert.deepEqual(problems, [], 'script errors or CSP violations in the browser');
  });

  test('the four start and status tools name the view; the thumbnail tool is for the app only; the view is one document under 1 MB', () => {
    for (const name of ['replicate_batch_start', 'replicate_batch_status', 'replicate_pipeline_start', 'replicate_pipeline_status']) {
      assert.equal(server.tools[name]._meta?.ui?.resourceUri, VIEW_URI, name);
    }
    for (const name of ['replicate_batch_cancel', 'replicate_pipeline_cancel', 'replicate_list_jobs']) assert.equal(server.tools[name]._meta?.ui, undefined, name);
    assert.deepEqual(server.tools.replicate_view_thumbnails._meta?.ui?.visibility, ['app']);
    assert.ok(server.client.getServerCapabilities().extensions?.[UI_EXTENSION], 'the server declares the MCP Apps extension');
    assert.equal(server.view.mimeType, 'text/html;profile=mcp-app');
    assert.ok(Buffer.byteLength(server.view.text) <= 1_000_000, `${Buffer.byteLength(server.view.text)} bytes`);
    // One inline script and one inline style: outside the script, no src, href, @import or url() that could fetch.
    const scripts = server.view.text.match(/<script\b[^>]*>/gi);
    assert.deepEqual(scripts, ['<script>'], 'one inline script');
    const markupAndStyle = server.view.text.replace(/<script>[\s\S]*<\/script>/i, '');
    assert.ok(!/\b(src|href)\s*=|@import|url\(/i.test(markupAndStyle), 'nothing loaded from elsewhere');
    assert.deepEqual(server.view._meta?.ui?.csp, { connectDomains: [], resourceDomains: [] });
  });

  test('a finished batch: thumbnails through the server, the failure and its error, text output, and https outputs opened by the host', async () => {
    const args = {
      items: [
        { model: IMAGE, input: { prompt: 'a lighthouse at dusk', num_outputs: 2 } },
        { model: IMAGE, input: { prompt: 'a red fox in snow', aspect_ratio: '16:9' } },
        { model: FAILS, input: { prompt: 'this one fails' } },
        { model: LLM, input: { prompt: 'Write a haiku about llamas' } },
      ],
    };
    const status = await runToEnd('replicate_batch_start', args);
    const frame = await host.mount({ toolInput: args, toolResult: status });
    await until(async () => (await frame.$$('img.thumb')).length === 3, 'three thumbnails');
    const images = await frame.$$eval('img.thumb', (all) => all.map((i) => ({ w: i.naturalWidth, src: i.src.slice(0, 23), alt: i.alt })));
    for (const image of images) {
      assert.ok(image.w > 0 && image.w <= 192, JSON.stringify(image));
      assert.equal(image.src, 'data:image/webp;base64,');
    }
    const text = await viewText(frame);
    assert.match(text, /Simulated failure/);
    assert.match(text, /Simulated answer about/);
    assert.match(text, /a lighthouse at dusk/);
    assert.equal(await badge(frame), 'partial');
    assert.deepEqual(host.calls.map((c) => c.name), ['replicate_view_thumbnails'], 'a finished job is not followed');
    assert.deepEqual(host.calls[0].arguments, { job_id: status.structuredContent.job_id, items: ['0', '1'] });

    const open = await frame.$('button.link');
    await open.click();
    await until(() => host.links.length === 1, 'ui/open-link');
    assert.match(host.links[0].url, /^https:\/\/replicate\.delivery\//);
    assert.equal(host.links[0].url, status.structuredContent.items[0].result.urls[0]);
    await screenshot(frame, 'job-view-finished-batch.png');
  });

  test('live following from the start answer: at most 2 status calls a second, the end shown within 3 s, no call after it', async () => {
    const args = { items: Array.from({ length: 6 }, (_, i) => ({ model: IMAGE, input: { prompt: `studio photo ${i} of a teapot`, seed: i } })), concurrency: 2 };
    const started = await server.client.callTool({ name: 'replicate_batch_start', arguments: args });
    const id = started.structuredContent.job_id;
    const frame = await host.mount({ toolInput: args, toolResult: started });
    await until(async () => (await frame.$$('img.thumb')).length >= 2 && (await badge(frame)) === 'running', 'a running batch with thumbnails', 20_000);
    await screenshot(frame, 'job-view-running-batch.png');
    await until(async () => (await badge(frame)) === 'succeeded', 'the end', 30_000);
    const shownAt = Date.now();
    const final = await server.client.callTool({ name: 'replicate_batch_status', arguments: { job_id: id } });
    const endedAt = Date.parse(final.structuredContent.completed_at);
    assert.ok(shownAt - endedAt <= 3000, `the end showed ${shownAt - endedAt} ms after the job ended`);

    const calls = statusCalls();
    assert.ok(calls.length >= 3, `${calls.length} status calls`);
    for (const call of calls) assert.deepEqual(call.arguments, { job_id: id, wait_seconds: 1 });
    // 500 ms apart by the view's clock; allow a little for the postMessage hops between it and this process.
    for (let i = 1; i < calls.length; i++) assert.ok(calls[i].at - calls[i - 1].at >= 450, `status calls ${i - 1} and ${i} were ${calls[i].at - calls[i - 1].at} ms apart`);
    assert.equal(calls.at(-1).result.structuredContent.status, 'succeeded');
    const count = calls.length;
    await new Promise((r) => setTimeout(r, 1500)); // the one thing that must not happen: a call after the end
    assert.equal(statusCalls().length, count, 'status was called after the job ended');
    await until(async () => (await frame.$$('img.thumb')).length === 6, 'all six thumbnails');
  });

  test('Cancel takes a confirming second click (by keyboard here); Retry then runs the canceled items again in the same job', async () => {
    const args = { items: Array.from({ length: 4 }, (_, i) => ({ model: IMAGE, input: { prompt: `a sailboat ${i}` } })), concurrency: 1 };
    const started = await server.client.callTool({ name: 'replicate_batch_start', arguments: args });
    const id = started.structuredContent.job_id;
    const frame = await host.mount({ toolInput: args, toolResult: started });
    await until(() => statusCalls().length >= 1, 'following');
    const cancel = await frame.waitForSelector('button.danger:not([hidden])');
    assert.equal(await cancel.evaluate((b) => b.textContent), 'Cancel job');
    await cancel.click();
    assert.equal(await cancel.evaluate((b) => b.textContent), 'Confirm cancel');
    assert.equal(host.calls.filter((c) => c.name === 'replicate_batch_cancel').length, 0, 'one click cancels nothing');
    await cancel.focus();
    await host.page.keyboard.press('Enter');
    await until(() => host.calls.some((c) => c.name === 'replicate_batch_cancel'), 'the cancel call');
    assert.deepEqual(host.calls.find((c) => c.name === 'replicate_batch_cancel').arguments, { job_id: id });
    await until(async () => (await badge(frame)) === 'canceled', 'the canceled batch', 10_000);
    assert.equal(await frame.$eval('button.danger', (b) => b.hidden), true, 'no Cancel once ended');

    // The badge can read canceled (from the following status) while the cancel call is still out: the buttons stay
    // disabled until it answers, and a click on a disabled button does nothing.
    const retry = await frame.waitForSelector('.actions button:not(.danger):not([hidden]):not([disabled])');
    assert.match(await retry.evaluate((b) => b.getAttribute('aria-label')), /^Retry the \d+ items? that did not succeed$/);
    await retry.click();
    await until(() => host.calls.some((c) => c.name === 'replicate_batch_retry'), 'the retry call');
    const retryCall = host.calls.find((c) => c.name === 'replicate_batch_retry');
    assert.deepEqual(retryCall.arguments, { job_id: id });
    await until(() => retryCall.answeredAt, 'the retry answer');
    assert.ok(retryCall.result && !retryCall.result.isError, retryCall.error ?? JSON.stringify(retryCall.result?.content));
    await until(async () => (await badge(frame)) === 'succeeded', 'the retried batch to succeed', 30_000);
    assert.equal(await frame.$$eval('.card', (cards) => cards.length), 4);
    assert.equal((await frame.$$('img.thumb')).length, 4);
  });

  test('a pipeline: steps in dependency order, what waits on what, a skipped step with its reason', async () => {
    const args = {
      steps: [
        { id: 'caption', model: 'salesforce/blip', input: { image: '$upscale.urls[0]', prompt: 'Describe the picture' } },
        { id: 'generate', model: IMAGE, input: { prompt: 'a wooden robot reading in a garden' } },
        { id: 'upscale', model: 'nightmareai/real-esrgan', input: { image: '$generate.urls[0]', scale: 2 } },
        { id: 'broken', model: FAILS, input: { prompt: 'fails by design' } },
        { id: 'after_broken', model: IMAGE, input: { prompt: 'never runs' }, depends_on: ['broken'] },
      ],
    };
    const started = await server.client.callTool({ name: 'replicate_pipeline_start', arguments: args });
    assert.ok(!started.isError, JSON.stringify(started.content));
    const frame = await host.mount({ toolInput: args, toolResult: started });
    await until(async () => (await badge(frame)) === 'partial', 'the pipeline to end', 30_000);
    await until(async () => (await frame.$$('img.thumb')).length === 2, 'thumbnails of generate and upscale');
    const cards = await frame.$$eval('.card', (all) => all.map((c) => ({ label: c.querySelector('.label').textContent, depth: c.dataset.depth, waits: c.querySelector('.waits')?.textContent ?? '' })));
    assert.deepEqual(cards.map((c) => c.label), ['generate', 'upscale', 'caption', 'broken', 'after_broken']);
    assert.deepEqual(cards.map((c) => c.depth), ['0', '1', '2', '0', '1']);
    assert.equal(cards[1].waits, 'after generate');
    assert.equal(cards[4].waits, 'after broken');
    const text = await viewText(frame);
    assert.match(text, /skipped/);
    assert.match(text, /broken/);
    assert.ok(statusCalls().every((c) => c.name === 'replicate_pipeline_status'));
    await screenshot(frame, 'job-view-pipeline.png');
  });

  test('light and dark follow the host theme, also when it changes; a narrow panel does not scroll sideways', async () => {
    const args = { items: [{ model: IMAGE, input: { prompt: 'a misty mountain' } }, { model: FAILS, input: { prompt: 'x' } }] };
    const status = await runToEnd('replicate_batch_start', args);
    const frame = await host.mount({ toolInput: args, toolResult: status, theme: 'dark', width: 300 });
    const background = () => frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const brightness = (rgb) => rgb.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
    await until(async () => brightness(await background()) < 150, 'a dark background');
    assert.equal(await frame.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), true, 'no sideways scroll at 300 px');
    await until(async () => (await frame.$$('img.thumb')).length === 1, 'the thumbnail');
    await screenshot(frame, 'job-view-dark.png');
    await host.page.evaluate(() => window.setTheme('light'));
    await until(async () => brightness(await background()) > 600, 'a light background after the host switched');
    for (const name of await frame.$$eval('button', (all) => all.filter((b) => !b.hidden).map((b) => (b.getAttribute('aria-label') ?? b.textContent).trim()))) {
      assert.ok(name.length > 0, 'every button has a label');
    }
  });

  test('untrusted text stays text: hostile prompts and model output from a real job show literally, and nothing runs', async () => {
    const args = { items: HOSTILE.map((prompt) => ({ model: LLM, input: { prompt } })) };
    const status = await runToEnd('replicate_batch_start', args);
    const frame = await host.mount({ toolInput: args, toolResult: status });
    const text = await viewText(frame);
    for (const prompt of HOSTILE) assert.ok(text.includes(prompt.slice(0, 60)), `shown as text: ${prompt}`);
    assert.match(text, /Simulated answer about <img src=x/); // the model's answer echoes the markup, as text
    await new Promise((r) => setTimeout(r, 500)); // time for anything that was going to run
    assert.equal(await frame.evaluate(() => window.__pwned ?? null), null);
    assert.equal(await frame.$$eval('img, script:not(:first-of-type), a, svg, iframe', (all) => all.length), 0);
    assert.deepEqual(host.calls, [], 'no tool was called');
    assert.deepEqual(host.links, []);
  });

  test('untrusted text stays text in every field: errors, logs, skip reasons, file names, text output and URLs', async () => {
    const hostile = HOSTILE.join('\n');
    const item = (index, status) => ({
      index, model: 'acme/evil', status, prediction_id: `p${index}`, started_at: '2026-01-01T00:00:00Z', completed_at: '2026-01-01T00:00:05Z', error: hostile,
      result: {
        prediction_id: `p${index}`, status: 'failed', urls: ['javascript:window.__pwned=6', 'data:text/html,<script>window.__pwned=7</script>', 'http://example.com/<img src=x onerror=alert(1)>.png'],
        local_paths: ['/tmp/<img src=x onerror="window.__pwned=8">.png', '/tmp/javascript:window.__pwned=9.mp4'], text_output: [hostile], output: null, metrics: null,
        pending: false, error: hostile, logs_tail: hostile, download_error: hostile,
      },
    });
    const job = {
      job_id: 'batch-hostile0000', kind: 'batch', status: 'failed', total: 2, queued: 0, running: 0, succeeded: 0, failed: 2, timed_out: 0, canceled: 0,
      created_at: '2026-01-01T00:00:00Z', completed_at: '2026-01-01T00:00:05Z', expires_at: '2026-01-01T01:00:05Z', note: hostile,
      items: [item(0, 'failed'), item(1, 'timed_out')],
    };
    const frame = await host.mount({ toolInput: { items: [{ model: 'acme/evil', input: { prompt: hostile } }] }, toolResult: { content: [{ type: 'text', text: hostile }], structuredContent: job } });
    await frame.$$eval('details', (all) => all.forEach((d) => { d.open = true; }));
    const text = await viewText(frame);
    for (const line of HOSTILE) assert.ok(text.includes(line), `shown as text: ${line}`);
    assert.match(text, /<img src=x onerror="window.__pwned=8">\.png/, 'file names as text');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await frame.evaluate(() => window.__pwned ?? null), null);
    assert.equal(await frame.$$eval('img, a, svg, iframe, button.link', (all) => all.length), 0, 'no element came from the data, and no Open button for a non-https URL');
    assert.deepEqual(host.calls, [], 'no tool was called');
    assert.deepEqual(host.links, []);
  });

  test('the CSP the host derives is in force in the view (a fetch of an undeclared image is reported)', async () => {
    const frame = await host.mount({});
    await frame.evaluate(() => { new Image().src = 'https://example.com/not-allowed.png'; });
    await until(() => host.problems.some((p) => p.includes('CSP violation') && p.includes('img-src')), 'the CSP violation report');
    host.problems.length = 0;
  });
});
