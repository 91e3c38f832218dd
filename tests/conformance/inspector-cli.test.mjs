// The MCP Inspector's CLI (installed locally from package-lock.json; no network) lists the server's tools and calls
// every one of them. The Inspector starts a new server for every call, as it does for people: a job started by one
// call is read, cancelled and listed by servers started later, through the state folder.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeReplicate, TOKEN } from './fake-replicate.mjs';
import { makeDirs, serverCommand } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const TOOLS = [
  'replicate_batch_start', 'replicate_batch_status', 'replicate_batch_cancel',
  'replicate_pipeline_start', 'replicate_pipeline_status', 'replicate_pipeline_cancel',
  'replicate_list_jobs', 'replicate_get_model_schema', 'replicate_search_models', 'replicate_get_prediction',
  'replicate_list_files',
];
const called = new Set();

describe('npx @modelcontextprotocol/inspector --cli', () => {
  let fake, dirs, batchId, pipelineId;

  before(async () => {
    fake = await startFakeReplicate({ durationMs: 600 });
    dirs = makeDirs();
  });
  after(async () => {
    await fake?.close();
    if (dirs) rmSync(dirs.root, { recursive: true, force: true });
  });

  /** Runs the Inspector CLI against a new server; `args` are its own (`--method …`). Returns its parsed stdout. */
  async function inspector(...args) {
    const { command, args: serverArgs } = serverCommand();
    const env = {
      REPLICATE_API_TOKEN: TOKEN, REPLICATE_BASE_URL: fake.baseUrl, REPLICATE_MCP_STATE_DIR: dirs.state,
      REPLICATE_DOWNLOAD_DIR: dirs.downloads, REPLICATE_MCP_INPUT_DIRS: dirs.inputs,
    };
    const { stdout } = await promisify(execFile)('npx', [
      '--no-install', '@modelcontextprotocol/inspector', '--cli',
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      command, ...serverArgs, ...args,
    ], { cwd: here, timeout: 90_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
    return JSON.parse(stdout);
  }

  /** Calls a tool; asserts a result that is not isError and has structuredContent, which it returns. */
  async function call(tool, toolArgs) {
    const args = Object.entries(toolArgs).flatMap(([k, v]) => ['--tool-arg', `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`]);
    let result;
    try {
      result = await inspector('--method', 'tools/call', '--tool-name', tool, ...args);
    } catch (error) {
      // The CLI exits 5 when the result is isError, with the result on stdout.
      throw new assert.AssertionError({ message: `${tool}: the Inspector failed (exit ${error.code}): ${error.stdout ?? ''}${error.stderr ?? error.message}` });
    }
    assert.notEqual(result.isError, true, `${tool} answered isError: ${JSON.stringify(result.content)}`);
    assert.ok(result.structuredContent && typeof result.structuredContent === 'object', `${tool}: no structuredContent`);
    called.add(tool);
    return result.structuredContent;
  }

  test('tools/list names every tool', async () => {
    const names = (await inspector('--method', 'tools/list')).tools.map((t) => t.name);
    for (const name of TOOLS) assert.ok(names.includes(name), `the Inspector does not see ${name}; it saw ${names.join(', ')}`);
  });

  test('batch: start, then status (a later server finishes the job), cancel of the finished batch', async () => {
    const started = await call('replicate_batch_start', {
      items: [{ model: 'black-forest-labs/flux-schnell', input: { prompt: 'a red fox' } }],
      download: false,
    });
    batchId = started.job_id;
    assert.equal(started.total, 1);
    const status = await call('replicate_batch_status', { job_id: batchId, include_results: true, wait_seconds: 30 });
    assert.equal(status.status, 'succeeded', JSON.stringify(status));
    const cancelled = await call('replicate_batch_cancel', { job_id: batchId });
    assert.equal(cancelled.status, 'succeeded', 'cancelling a finished batch changes nothing');
  });

  test('pipeline: start two steps wired by a template, status, cancel', async () => {
    const started = await call('replicate_pipeline_start', {
      steps: [
        { id: 'gen', model: 'black-forest-labs/flux-schnell', input: { prompt: 'a lighthouse' } },
        { id: 'up', model: 'nightmareai/real-esrgan', input: { image: '$gen.urls[0]', scale: 2 }, depends_on: ['gen'] },
      ],
      download: false,
    });
    pipelineId = started.pipeline_id;
    assert.equal(started.total, 2);
    const status = await call('replicate_pipeline_status', { pipeline_id: pipelineId, wait_seconds: 30 });
    assert.equal(status.status, 'succeeded', JSON.stringify(status));
    const cancelled = await call('replicate_pipeline_cancel', { pipeline_id: pipelineId });
    assert.equal(cancelled.status, 'succeeded');
  });

  test('list_jobs, get_prediction, get_model_schema, search_models, list_files', async () => {
    const jobs = (await call('replicate_list_jobs', {})).jobs.map((j) => j.id);
    assert.ok(jobs.includes(batchId) && jobs.includes(pipelineId), `list_jobs shows ${jobs.join(', ')}`);

    const [predictionId] = [...fake.predictions.keys()];
    const prediction = await call('replicate_get_prediction', { prediction_id: predictionId });
    assert.equal(prediction.prediction_id, predictionId);
    assert.equal(prediction.status, 'succeeded');

    const schema = await call('replicate_get_model_schema', { model: 'nightmareai/real-esrgan' });
    assert.ok(schema.input_schema?.properties?.image, 'the schema has the image input');

    const found = (await call('replicate_search_models', { query: 'upscale', limit: 5 })).models.map((m) => m.model);
    assert.ok(found.includes('nightmareai/real-esrgan'), `search found ${found.join(', ')}`);

    const files = await call('replicate_list_files', { folder: dirs.inputs, pattern: '*.png' });
    assert.deepEqual(JSON.stringify(files).match(/photo-[ab]\.png/g)?.sort().filter((n, i, a) => a.indexOf(n) === i), ['photo-a.png', 'photo-b.png']);
  });

  test('every tool was called', () => {
    assert.deepEqual(TOOLS.filter((t) => !called.has(t)), []);
  });
});
