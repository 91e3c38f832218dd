// The MCP Inspector's CLI (installed locally from package-lock.json; no network) lists the server's tools.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeReplicate, TOKEN } from './fake-replicate.mjs';
import { makeDirs, serverCommand } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const TOOLS = [
  'replicate_batch_start', 'replicate_batch_status', 'replicate_batch_cancel',
  'replicate_pipeline_start', 'replicate_pipeline_status', 'replicate_pipeline_cancel',
  'replicate_list_jobs', 'replicate_get_model_schema', 'replicate_search_models', 'replicate_get_prediction',
];

test('npx @modelcontextprotocol/inspector --cli … --method tools/list names every tool', async () => {
  const fake = await startFakeReplicate();
  const dirs = makeDirs();
  try {
    const { command, args } = serverCommand();
    const env = { REPLICATE_API_TOKEN: TOKEN, REPLICATE_BASE_URL: fake.baseUrl, REPLICATE_MCP_STATE_DIR: dirs.state, REPLICATE_DOWNLOAD_DIR: dirs.downloads };
    const { stdout } = await promisify(execFile)('npx', [
      '--no-install', '@modelcontextprotocol/inspector', '--cli',
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      command, ...args, '--method', 'tools/list',
    ], { cwd: here, timeout: 60000, env: { ...process.env, npm_config_update_notifier: 'false' } });
    const names = JSON.parse(stdout).tools.map((t) => t.name);
    for (const name of TOOLS) assert.ok(names.includes(name), `the Inspector does not see ${name}; it saw ${names.join(', ')}`);
  } finally {
    await fake.close();
    rmSync(dirs.root, { recursive: true, force: true });
  }
});
