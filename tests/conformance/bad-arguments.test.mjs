// The usual bad arguments for every tool: each must be a tool result with isError whose text names the field
// (CONTRACT §2, §7) — never a JSON-RPC error where a tool result was due — and nothing may reach Replicate.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeReplicate } from './fake-replicate.mjs';
import { callRefused, closeAndAssertCleanStdout, startSession } from './harness.mjs';

const item = { model: 'black-forest-labs/flux-schnell', input: { prompt: 'x' } };
const step = (id, input = { prompt: 'x' }, extra = {}) => ({ id, model: 'meta/meta-llama-3-8b-instruct', input, ...extra });

// [tool, arguments, the field the message must name, what the case is]
const CASES = [
  ['replicate_batch_start', {}, 'items', 'missing required'],
  ['replicate_batch_start', { items: 'yes' }, 'items', 'a string for an array'],
  ['replicate_batch_start', { items: [] }, 'items', 'no items'],
  ['replicate_batch_start', { items: Array.from({ length: 51 }, () => item) }, ['items', '51'], '51 items'],
  ['replicate_batch_start', { items: [item], concurrency: 11 }, ['concurrency', '11'], 'concurrency 11'],
  ['replicate_batch_start', { items: [item], concurrency: 0 }, ['concurrency', '0'], 'concurrency 0'],
  ['replicate_batch_start', { items: [item], concurrency: 2.5 }, ['concurrency', '2.5'], '2.5 for an integer'],
  ['replicate_batch_start', { items: [item], concurrency: '3' }, 'concurrency', 'a string for an integer'],
  ['replicate_batch_start', { items: [item], download: 'yes' }, 'download', '"yes" for a boolean'],
  ['replicate_batch_start', { items: [item], validate: 'yes' }, 'validate', '"yes" for a boolean'],
  ['replicate_batch_start', { items: [item], timeout_ms_per_item: 4999 }, ['timeout_ms_per_item', '4999'], 'timeout below 5000'],
  ['replicate_batch_start', { items: [item], timeout_ms_per_item: 1800001 }, 'timeout_ms_per_item', 'timeout above 1800000'],
  ['replicate_batch_start', { items: [item], ttl_hours: 73 }, ['ttl_hours', '73'], 'ttl 73'],
  ['replicate_batch_start', { items: [item], colour: 'red' }, 'colour', 'unknown argument'],
  ['replicate_batch_start', { items: [{ model: 'flux-schnell', input: {} }] }, ['items[0].model', 'flux-schnell', 'replicate_search_models'], 'bad model id'],
  ['replicate_batch_start', { items: [{ model: 'black-forest-labs/flux-schnell' }] }, 'items[0]', 'item without input'],
  ['replicate_batch_start', { items: [item, { model: 'black-forest-labs/flux-schnell', input: 'x' }] }, 'items[1]', 'input not an object'],
  ['replicate_batch_start', { items: [{ ...item, extra: 1 }] }, 'extra', 'unknown item field'],
  ['replicate_batch_start', { items: [{ model: 'black-forest-labs/flux-schnell', input: { prompt: 'x', aspect_ratio: '2:1' } }] }, 'aspect_ratio', 'input outside the model\'s enum'],
  ['replicate_batch_start', { items: [{ model: 'black-forest-labs/flux-schnell', input: { prompt: 'x', num_outputs: 9 } }] }, 'num_outputs', 'input above the model\'s maximum'],
  ['replicate_batch_start', { items: [{ model: 'meta/meta-llama-3-8b-instruct', input: { max_tokens: 5 } }] }, 'prompt', 'input missing a required property'],
  ['replicate_batch_start', { items: [{ model: 'acme/no-such-model', input: {} }] }, 'acme/no-such-model', 'unknown model'],
  ['replicate_batch_status', {}, 'job_id', 'missing required'],
  ['replicate_batch_status', { job_id: 2.5 }, 'job_id', 'a number for a string'],
  ['replicate_batch_status', { job_id: 'batch-doesnotexist' }, ['job_id', 'batch-doesnotexist', 'ttl_hours'], 'unknown job id'],
  ['replicate_batch_status', { job_id: 'batch-x', include_results: 'yes' }, 'include_results', '"yes" for a boolean'],
  ['replicate_batch_status', { job_id: 'batch-x', wait_seconds: 51 }, ['wait_seconds', '51'], 'wait 51'],
  ['replicate_batch_status', { job_id: 'batch-x', wait_seconds: 2.5 }, 'wait_seconds', '2.5 for an integer'],
  ['replicate_batch_status', { job_id: 'batch-x', verbose: true }, 'verbose', 'unknown argument'],
  ['replicate_batch_cancel', {}, 'job_id', 'missing required'],
  ['replicate_batch_cancel', { job_id: 'batch-doesnotexist' }, ['job_id', 'batch-doesnotexist'], 'unknown job id'],
  ['replicate_batch_cancel', { job_id: ['batch-x'] }, 'job_id', 'an array for a string'],
  ['replicate_batch_cancel', { job_id: 'batch-x', force: true }, 'force', 'unknown argument'],
  ['replicate_pipeline_start', {}, 'steps', 'missing required'],
  ['replicate_pipeline_start', { steps: 'yes' }, 'steps', 'a string for an array'],
  ['replicate_pipeline_start', { steps: Array.from({ length: 21 }, (_, i) => step(`s${i}`)) }, ['steps', '21'], '21 steps'],
  ['replicate_pipeline_start', { steps: [step('a')], concurrency: 6 }, ['concurrency', '6'], 'concurrency 6'],
  ['replicate_pipeline_start', { steps: [step('a')], download: 'yes' }, 'download', '"yes" for a boolean'],
  ['replicate_pipeline_start', { steps: [step('a')], timeout_ms_per_step: 2.5 }, 'timeout_ms_per_step', '2.5 for an integer'],
  ['replicate_pipeline_start', { steps: [step('a')], ttl_hours: 0 }, 'ttl_hours', 'ttl 0'],
  ['replicate_pipeline_start', { steps: [step('a')], parallel: true }, 'parallel', 'unknown argument'],
  ['replicate_pipeline_start', { steps: [{ id: 'a', model: 'flux-schnell', input: {} }] }, 'flux-schnell', 'bad model id'],
  ['replicate_pipeline_start', { steps: [step('a', { prompt: '$b.text_output[0]' }), step('b', { prompt: '$a.text_output[0]' })] }, ['cycle', 'a', 'b'], 'a cycle'],
  ['replicate_pipeline_start', { steps: [step('a', { prompt: 'x' }, { depends_on: ['b'] }), step('b', { prompt: 'x' }, { depends_on: ['a'] })] }, 'cycle', 'a cycle through depends_on'],
  ['replicate_pipeline_start', { steps: [step('a'), step('a')] }, 'a', 'duplicate step id'],
  ['replicate_pipeline_start', { steps: [step('1st')] }, '1st', 'bad step id'],
  ['replicate_pipeline_start', { steps: [step('a', { prompt: '$nope.urls[0]' })] }, 'nope', 'reference to an unknown step'],
  ['replicate_pipeline_start', { steps: [step('a'), step('b', { prompt: '$a.colour' })] }, 'colour', 'reference to an unknown field'],
  ['replicate_pipeline_start', { steps: [step('a', { prompt: 'x' }, { depends_on: 'b' }), step('b')] }, 'depends_on', 'a string for depends_on'],
  ['replicate_pipeline_start', { steps: [step('a', { prompt: 'x' }, { depends_on: ['zz'] })] }, 'zz', 'depends_on an unknown step'],
  ['replicate_pipeline_start', { steps: [{ id: 'img', model: 'black-forest-labs/flux-schnell', input: { prompt: 'x' } }, step('b', { prompt: '$img.local_paths[0]' })], download: false }, 'local_paths', 'local_paths without download'],
  ['replicate_pipeline_status', {}, 'pipeline_id', 'missing required'],
  ['replicate_pipeline_status', { pipeline_id: 'pipe-doesnotexist' }, ['pipeline_id', 'pipe-doesnotexist', 'ttl_hours'], 'unknown pipeline id'],
  ['replicate_pipeline_status', { pipeline_id: 'pipe-x', include_outputs: 1 }, 'include_outputs', 'a number for a boolean'],
  ['replicate_pipeline_status', { pipeline_id: 'pipe-x', wait_seconds: -1 }, 'wait_seconds', 'wait -1'],
  ['replicate_pipeline_status', { pipeline_id: 'pipe-x', include_results: true }, 'include_results', 'the batch argument on the pipeline tool'],
  ['replicate_pipeline_cancel', {}, 'pipeline_id', 'missing required'],
  ['replicate_pipeline_cancel', { pipeline_id: 'pipe-doesnotexist' }, ['pipeline_id', 'pipe-doesnotexist'], 'unknown pipeline id'],
  ['replicate_pipeline_cancel', { pipeline_id: 'pipe-x', now: true }, 'now', 'unknown argument'],
  ['replicate_list_jobs', { kind: 'batch' }, 'kind', 'unknown argument'],
  ['replicate_get_model_schema', {}, 'model', 'missing required'],
  ['replicate_get_model_schema', { model: 'flux-schnell' }, ['model', 'flux-schnell'], 'bad model id'],
  ['replicate_get_model_schema', { model: 2.5 }, 'model', 'a number for a string'],
  ['replicate_get_model_schema', { model: 'acme/no-such-model' }, ['model', 'acme/no-such-model'], 'unknown model (404)'],
  ['replicate_get_model_schema', { model: 'black-forest-labs/flux-schnell', version: 'x' }, 'version', 'unknown argument'],
  ['replicate_search_models', {}, 'query', 'missing required'],
  ['replicate_search_models', { query: '' }, 'query', 'empty query'],
  ['replicate_search_models', { query: 'image', limit: 51 }, ['limit', '51'], 'limit 51'],
  ['replicate_search_models', { query: 'image', limit: 0 }, 'limit', 'limit 0'],
  ['replicate_search_models', { query: 'image', limit: 2.5 }, 'limit', '2.5 for an integer'],
  ['replicate_search_models', { query: ['image'] }, 'query', 'an array for a string'],
  ['replicate_search_models', { query: 'image', sort: 'runs' }, 'sort', 'unknown argument'],
  ['replicate_get_prediction', {}, 'prediction_id', 'missing required'],
  ['replicate_get_prediction', { prediction_id: '../models' }, 'prediction_id', 'a path in the id'],
  ['replicate_get_prediction', { prediction_id: 'zzzzzzzzzzzzzzzzzzzz' }, ['prediction_id', 'zzzzzzzzzzzzzzzzzzzz'], 'unknown prediction (404)'],
  ['replicate_get_prediction', { prediction_id: 'abc', download: 'yes' }, 'download', '"yes" for a boolean'],
  ['replicate_get_prediction', { prediction_id: 'abc', wait: 1 }, 'wait', 'unknown argument'],
];

// Arguments later issues add: their bad values are tried once a tool declares them.
const DECLARED_CASES = [
  ['replicate_batch_status', 'preview', { job_id: 'batch-x', preview: 'yes' }],
  ['replicate_pipeline_status', 'preview', { pipeline_id: 'pipe-x', preview: 'yes' }],
  ['replicate_get_prediction', 'preview', { prediction_id: 'abc', preview: 1 }],
  ['replicate_batch_start', 'idempotency_key', { items: [item], idempotency_key: 42 }],
  ['replicate_pipeline_start', 'idempotency_key', { steps: [step('a')], idempotency_key: '' }],
];

describe('bad arguments', () => {
  let fake, session;
  before(async () => {
    fake = await startFakeReplicate();
    session = await startSession(fake, { name: 'bad-arguments' });
  });
  after(async () => { await session?.close(); await fake?.close(); });

  for (const [tool, args, field, what] of CASES) {
    test(`${tool}: ${what} → isError naming ${[field].flat().join(', ')}`, async () => {
      await callRefused(session, tool, args, field);
    });
  }

  for (const [tool, argument, args] of DECLARED_CASES) {
    test(`${tool}: a bad ${argument} (when declared) → isError naming ${argument}`, async (t) => {
      if (!session.declares(tool, argument)) return t.skip(`${tool} does not declare ${argument} yet`);
      await callRefused(session, tool, args, argument);
    });
  }

  test('replicate_list_files (when listed): bad arguments → isError naming the field', async (t) => {
    if (!session.tools.replicate_list_files) return t.skip('replicate_list_files is not listed yet (issue 14)');
    await callRefused(session, 'replicate_list_files', { limit: 501 }, 'limit');
    await callRefused(session, 'replicate_list_files', { limit: 0 }, 'limit');
    await callRefused(session, 'replicate_list_files', { limit: 2.5 }, 'limit');
    await callRefused(session, 'replicate_list_files', { pattern: 7 }, 'pattern');
    await callRefused(session, 'replicate_list_files', { folder: '/etc' }, 'folder');
    await callRefused(session, 'replicate_list_files', { recursive: true }, 'recursive');
  });

  test('no refused start created a prediction or uploaded a file', () => {
    assert.equal(fake.predictions.size, 0, `refused starts created ${fake.predictions.size} prediction(s)`);
    assert.equal(fake.files.size, 0);
  });

  test('the server wrote nothing but JSON-RPC on stdout', async () => {
    await closeAndAssertCleanStdout(session);
  });
});
