// The MCP Bundle as Claude Desktop sees it (CONTRACT §12): the official CLI accepts it, it holds what it should, and the
// server started from it the way Claude Desktop starts it lists the manifest's tools, sends the token given in the
// settings form to Replicate, never logs it, and treats settings left blank as their defaults.
// Run by .ci/aot with MCPB_BUNDLE=<the .mcpb dotnet pack wrote>.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startFakeReplicate, TOKEN } from '../../tests/conformance/fake-replicate.mjs';
import { makeDirs } from '../../tests/conformance/harness.mjs';
import { desktopConfig, mcpb, unpack } from './desktop.mjs';

const bundle = process.env.MCPB_BUNDLE;

describe('MCP Bundle', () => {
  let root, dir, manifest, fake;
  before(async () => {
    assert.ok(bundle, 'set MCPB_BUNDLE to the .mcpb to check');
    root = mkdtempSync(join(tmpdir(), 'replicate-mcp-bundle-'));
    dir = join(root, 'extension');
    manifest = unpack(bundle, dir);
    fake = await startFakeReplicate();
  });
  after(async () => {
    await fake?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** Starts the unpacked server as Claude Desktop would for `userConfig`, in a throwaway home; `extraEnv` is the user's own environment. */
  async function startDesktop(userConfig, extraEnv = {}) {
    const home = mkdtempSync(join(root, 'home-'));
    const config = await desktopConfig({ dir, manifest, userConfig, home });
    const stderr = [];
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      stderr: 'pipe',
      env: { PATH: process.env.PATH ?? '', HOME: home, USERPROFILE: home, REPLICATE_BASE_URL: fake.baseUrl, ...extraEnv, ...config.env },
    });
    // The start-up line is logged on its own; initialize may be answered before it reaches stderr.
    let startLogged;
    const startLine = new Promise((resolve) => { startLogged = resolve; });
    transport.stderr?.on('data', (chunk) => {
      stderr.push(chunk.toString('utf8'));
      if (stderr.join('').includes('serving MCP on stdio')) startLogged();
    });
    const client = new Client({ name: 'bundle-check', version: '1.0.0' }, { capabilities: {} });
    const started = process.hrtime.bigint();
    await client.connect(transport);
    const initializeMs = Number(process.hrtime.bigint() - started) / 1e6;
    await startLine;
    return { client, home, config, initializeMs, stderr: () => stderr.join(''), close: () => client.close() };
  }

  test('mcpb validate accepts the manifest and mcpb info reads the bundle', () => {
    const validate = mcpb('validate', join(dir, 'manifest.json'));
    assert.match(validate, /Manifest schema validation passes/);
    const info = mcpb('info', bundle);
    assert.match(info, /Size: [0-9.]+ KB/);
    console.log(`bundle: ${bundle}, ${(statSync(bundle).size / 1e6).toFixed(1)} MB zipped, manifest_version ${manifest.manifest_version}`);
  });

  test('the bundle holds the executable, its native libraries, manifest.json and the icon, nothing else', () => {
    const files = readdirSync(dir, { recursive: true }).filter((f) => statSync(join(dir, f)).isFile()).sort();
    const expected = (f) => f === 'manifest.json' || f === manifest.icon || f === manifest.server.entry_point || /^lib[^/\\]*\.(so|dylib)$|^[^/\\]*\.dll$/.test(f);
    assert.deepEqual(files.filter((f) => !expected(f)), [], `unexpected files in the bundle: ${files.join(', ')}`);
    assert.ok(files.includes(manifest.server.entry_point), `the entry point ${manifest.server.entry_point} is missing`);
    if (process.platform !== 'win32') assert.ok(statSync(join(dir, manifest.server.entry_point)).mode & 0o100, 'the executable lost its executable bit');
    assert.equal(manifest.server.type, 'binary');
    assert.equal(manifest.server.mcp_config.command, `\${__dirname}/${manifest.server.entry_point}`);
    assert.equal(manifest.user_config.api_token.sensitive, true);
    assert.deepEqual(manifest.compatibility.platforms, [process.platform]);
  });

  test('tools are exactly what the server lists to a model, with its descriptions', async () => {
    const server = await startDesktop({ api_token: TOKEN });
    try {
      const { tools } = await server.client.listTools();
      const forModels = tools.filter((t) => !Array.isArray(t._meta?.ui?.visibility) || t._meta.ui.visibility.includes('model'));
      assert.deepEqual(manifest.tools, forModels.map((t) => ({ name: t.name, description: t.description })));
    } finally {
      await server.close();
    }
  });

  test('the token from the settings form reaches Replicate, the folders are used, and no log line shows the token', async () => {
    const dirs = makeDirs();
    // The most talkative log level the user could set: still no token.
    const server = await startDesktop({ api_token: TOKEN, download_dir: dirs.downloads, input_dirs: [dirs.inputs], max_concurrency: 4 },
      { REPLICATE_MCP_LOG_LEVEL: 'Trace' });
    try {
      const seenBefore = fake.requests.length;
      const search = await server.client.callTool({ name: 'replicate_search_models', arguments: { query: 'flux' } });
      assert.notEqual(search.isError, true, JSON.stringify(search.content));
      const sent = fake.requests.slice(seenBefore).filter((r) => r.path.startsWith('/v1/'));
      assert.ok(sent.length > 0, 'the fake saw no API request');
      assert.ok(sent.every((r) => r.authorization === `Bearer ${TOKEN}`), `requests without the token: ${JSON.stringify(sent)}`);

      const files = await server.client.callTool({ name: 'replicate_list_files', arguments: {} });
      assert.ok(JSON.stringify(files.structuredContent).includes(JSON.stringify(dirs.inputs).slice(1, -1)), `the input folder is not allowed: ${JSON.stringify(files.structuredContent)}`);
      const log = server.stderr();
      assert.match(log, /serving MCP on stdio/);
      assert.ok(log.includes(`downloads ${dirs.downloads}`), `the download folder from the form is not used: ${log.split('\n')[0]}`);
      assert.match(log, /max concurrency 4\b/);
      assert.ok(!log.includes(TOKEN) && !log.includes(TOKEN.slice(3, 20)), 'a log line shows the token');
    } finally {
      await server.close();
      rmSync(dirs.root, { recursive: true, force: true });
    }
  });

  for (const [what, userConfig] of [
    ['left blank (empty values)', { api_token: TOKEN, download_dir: '', input_dirs: '', max_concurrency: '' }],
    ['never filled in', { api_token: TOKEN }],
  ]) {
    test(`optional settings ${what} take the server's defaults`, async () => {
      const server = await startDesktop(userConfig);
      try {
        const log = server.stderr();
        assert.ok(log.includes(`downloads ${join(server.home, 'Downloads', 'replicate-mcp')}`), `not the default download folder: ${log}`);
        assert.match(log, /max concurrency 20\b/);
        const files = await server.client.callTool({ name: 'replicate_list_files', arguments: {} });
        assert.notEqual(files.isError, true, JSON.stringify(files.content));
      } finally {
        await server.close();
      }
    });
  }

  test('time from start to the answer to initialize', async () => {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const server = await startDesktop({ api_token: TOKEN });
      times.push(server.initializeMs);
      await server.close();
    }
    times.sort((a, b) => a - b);
    console.log(`start → initialize answered: median ${times[2].toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
  });
});
