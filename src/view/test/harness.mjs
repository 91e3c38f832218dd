// Browser tests of the job view against the real server: the built replicate-mcp (simulator backend) over stdio with
// the official MCP client, the view read from it by resources/read, served to Chromium under the CSP a host derives
// from the resource's _meta.ui.csp, and hosted by the official AppBridge in a sandboxed iframe (test/host/host.js).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { serverCommand } from '../../../tests/conformance/server-command.mjs';
import { hostCsp } from './host/csp.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const VIEW_URI = 'ui://replicate-mcp/job-view.html';
export const UI_EXTENSION = 'io.modelcontextprotocol/ui';

function chromePath() {
  const path = process.env.CHROME_PATH ?? '/usr/bin/chromium-headless-shell';
  if (!existsSync(path)) throw new Error(`No Chromium at ${path}: apt-get install -y chromium-headless-shell, or set CHROME_PATH.`);
  return path;
}

/** The server (simulated predictions of `seconds`), an MCP client that declares MCP Apps, and the view it serves. */
export async function startServer({ seconds = 2 } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'replicate-mcp-view-'));
  const { command, args } = serverCommand();
  const transport = new StdioClientTransport({
    command,
    args: [...args, '--simulate'],
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(PATH|HOME|DOTNET_.*|TMPDIR)$/.test(k))),
      REPLICATE_MCP_SIMULATE_SECONDS: String(seconds),
      REPLICATE_MCP_STATE_DIR: join(root, 'state'),
      REPLICATE_DOWNLOAD_DIR: join(root, 'downloads'),
    },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'replicate-mcp view tests', version: '1' },
    { capabilities: { extensions: { [UI_EXTENSION]: { mimeTypes: ['text/html;profile=mcp-app'] } } } });
  await client.connect(transport);
  const { tools } = await client.listTools();
  const { contents } = await client.readResource({ uri: VIEW_URI });
  assert.equal(contents.length, 1);
  return {
    client,
    tools: Object.fromEntries(tools.map((t) => [t.name, t])),
    view: contents[0],
    async close() {
      await client.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Waits for `predicate` (polled against a real process and browser: the one kind of poll loop allowed). */
export async function until(predicate, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Chromium with one host page. Every tools/call and ui/open-link the view makes is recorded; every script error
 * and CSP violation in any frame is collected (`problems`), and each test ends by asserting there were none.
 */
export async function startBrowser(server) {
  const hostScript = (await build({
    entryPoints: [join(here, 'host', 'host.js')], bundle: true, format: 'iife', write: false, logLevel: 'error',
  })).outputFiles[0].text;
  const csp = hostCsp(server.view._meta?.ui?.csp);
  const http = createServer((req, res) => {
    if (req.url === '/host.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end('<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;background:#888}</style></head><body></body><script src="/host.js"></script></html>');
    }
    if (req.url === '/host.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      return res.end(hostScript);
    }
    if (req.url.startsWith('/view.html')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp });
      return res.end(server.view.text);
    }
    res.writeHead(404).end();
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${http.address().port}`;

  const browser = await puppeteer.launch({
    executablePath: chromePath(),
    headless: 'shell',
    args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
  });
  const page = await browser.newPage();
  const calls = [];
  const links = [];
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.text().startsWith('CSP violation')) problems.push(`console ${message.type()}: ${message.text()}`);
  });
  // In every frame (the view's too): report CSP violations and uncaught errors to the console collected above.
  await page.evaluateOnNewDocument(() => {
    addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));
    addEventListener('error', (e) => console.error(`script error: ${e.message}`));
    addEventListener('unhandledrejection', (e) => console.error(`unhandled rejection: ${e.reason?.message ?? e.reason}`));
  });
  await page.exposeFunction('hostCallTool', async (params) => {
    const call = { ...params, at: Date.now() };
    calls.push(call);
    try {
      call.result = await server.client.callTool(params);
      return call.result;
    } catch (error) {
      call.error = error.message;
      throw error;
    } finally {
      call.answeredAt = Date.now();
    }
  });
  await page.exposeFunction('hostOpenLink', async (params) => { links.push(params); });
  await page.goto(`${origin}/host.html`);

  let mounts = 0;
  return {
    page,
    calls,
    links,
    problems,
    csp,
    /** Shows the view as a host would after a tool call: its input, then its result. */
    async mount({ toolInput, toolResult, theme = 'light', width = 420 }) {
      calls.length = 0;
      links.length = 0;
      await page.setViewport({ width, height: 900 });
      await page.evaluate((o) => window.mountView(o), {
        viewUrl: `${origin}/view.html?${++mounts}`, hostContext: { theme, displayMode: 'inline', platform: 'web' }, toolInput, toolResult,
      });
      return until(() => page.frames().find((f) => f.url().startsWith(`${origin}/view.html?${mounts}`)), 'the view frame');
    },
    async close() {
      await browser.close();
      await new Promise((r) => http.close(r));
    },
  };
}

/** The text of the view's body. */
export const viewText = (frame) => frame.evaluate(() => document.body.innerText);
