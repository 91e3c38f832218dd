// tools/list: every tool described the way strict clients and calling models need (CONTRACT §2).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeReplicate } from './fake-replicate.mjs';
import { closeAndAssertCleanStdout, deref, startSession } from './harness.mjs';

const CONTRACT_TOOLS = [
  'replicate_batch_start', 'replicate_batch_status', 'replicate_batch_cancel',
  'replicate_pipeline_start', 'replicate_pipeline_status', 'replicate_pipeline_cancel',
  'replicate_list_jobs', 'replicate_get_model_schema', 'replicate_search_models', 'replicate_get_prediction',
  'replicate_batch_retry', 'replicate_pipeline_retry',
];
const READ_ONLY = ['replicate_batch_status', 'replicate_pipeline_status', 'replicate_list_jobs', 'replicate_get_model_schema', 'replicate_search_models', 'replicate_list_files'];
const CHANGING = ['replicate_batch_start', 'replicate_batch_cancel', 'replicate_pipeline_start', 'replicate_pipeline_cancel', 'replicate_batch_retry', 'replicate_pipeline_retry'];

// Argument bounds and defaults, exactly as CONTRACT §2's table (and issue 14 for replicate_list_files).
const BOUNDS = {
  replicate_batch_start: { items: { minItems: 1, maxItems: 50 }, concurrency: { minimum: 1, maximum: 10, default: 3 }, download: { default: true }, timeout_ms_per_item: { minimum: 5000, maximum: 1800000, default: 300000 }, ttl_hours: { minimum: 1, maximum: 72, default: 1 }, validate: { default: true } },
  replicate_batch_status: { include_results: { default: true }, wait_seconds: { minimum: 0, maximum: 50, default: 0 } },
  replicate_pipeline_start: { steps: { minItems: 1, maxItems: 20 }, concurrency: { minimum: 1, maximum: 5, default: 3 }, download: { default: true }, timeout_ms_per_step: { minimum: 5000, maximum: 1800000, default: 300000 }, ttl_hours: { minimum: 1, maximum: 72, default: 1 }, validate: { default: true } },
  replicate_pipeline_status: { include_outputs: { default: true }, wait_seconds: { minimum: 0, maximum: 50, default: 0 } },
  replicate_search_models: { limit: { minimum: 1, maximum: 50, default: 10 } },
  replicate_get_prediction: { download: { default: false } },
  replicate_list_files: { pattern: { default: '*' }, limit: { minimum: 1, maximum: 500, default: 100 } },
  replicate_batch_retry: { items: { minItems: 1, maxItems: 50 } },
  replicate_pipeline_retry: { steps: { minItems: 1, maxItems: 20 } },
};
const REQUIRED = {
  replicate_batch_start: ['items'], replicate_batch_status: ['job_id'], replicate_batch_cancel: ['job_id'],
  replicate_pipeline_start: ['steps'], replicate_pipeline_status: ['pipeline_id'], replicate_pipeline_cancel: ['pipeline_id'],
  replicate_get_model_schema: ['model'], replicate_search_models: ['query'], replicate_get_prediction: ['prediction_id'],
  replicate_batch_retry: ['job_id'], replicate_pipeline_retry: ['pipeline_id'],
};
const ITEM_STATUS = ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'canceled'];
const JOB_STATUS = ['running', 'succeeded', 'failed', 'partial', 'canceled'];

describe('tools/list', () => {
  let fake, session;
  before(async () => {
    fake = await startFakeReplicate();
    session = await startSession(fake, { name: 'tools-list' });
  });
  after(async () => { await session?.close(); await fake?.close(); });

  test('lists every tool of the contract', () => {
    for (const name of CONTRACT_TOOLS) assert.ok(session.tools[name], `tools/list lacks ${name}`);
  });

  test('every tool has a title, a description, an inputSchema, an outputSchema and annotations', () => {
    for (const tool of session.listed) {
      assert.ok(typeof tool.title === 'string' && tool.title.trim().length > 0, `${tool.name}: no title`);
      assert.ok(typeof tool.description === 'string' && tool.description.length >= 80, `${tool.name}: no description that tells a model when to use it`);
      assert.equal(tool.inputSchema?.type, 'object', `${tool.name}: inputSchema is not an object schema`);
      assert.equal(tool.outputSchema?.type, 'object', `${tool.name}: no outputSchema`);
      assert.ok(tool.annotations && typeof tool.annotations === 'object', `${tool.name}: no annotations`);
    }
  });

  test('read-only hint on the status, list, schema and search tools, and not on tools that start or cancel', () => {
    for (const name of READ_ONLY.filter((n) => session.tools[n])) {
      assert.equal(session.tools[name].annotations?.readOnlyHint, true, `${name}: annotations.readOnlyHint is not true`);
    }
    for (const name of CHANGING) {
      assert.notEqual(session.tools[name].annotations?.readOnlyHint, true, `${name} changes things but claims readOnlyHint`);
    }
  });

  test('required arguments, bounds and defaults match the contract', () => {
    for (const [name, required] of Object.entries(REQUIRED)) {
      assert.deepEqual([...(session.tools[name].inputSchema.required ?? [])].sort(), [...required].sort(), `${name}: required arguments`);
    }
    for (const [name, args] of Object.entries(BOUNDS)) {
      const tool = session.tools[name];
      if (!tool) continue; // replicate_list_files: checked once the server has it (issue 14)
      for (const [arg, expected] of Object.entries(args)) {
        const schema = deref(tool.inputSchema, tool.inputSchema.properties?.[arg]);
        assert.ok(schema, `${name}: inputSchema lacks ${arg}`);
        for (const [keyword, value] of Object.entries(expected)) {
          assert.deepEqual(schema[keyword], value, `${name}.${arg}: ${keyword} is ${JSON.stringify(schema[keyword])}, the contract says ${JSON.stringify(value)}`);
        }
      }
    }
  });

  test('idempotency_key, when a start tool declares it, is an optional string of 1–100 characters', () => {
    for (const name of ['replicate_batch_start', 'replicate_pipeline_start']) {
      const tool = session.tools[name];
      const key = deref(tool.inputSchema, tool.inputSchema.properties?.idempotency_key);
      if (!key) continue; // issue 13
      assert.ok([key.type].flat().includes('string'), `${name}.idempotency_key is not a string`);
      assert.equal(key.minLength, 1, `${name}.idempotency_key minLength`);
      assert.equal(key.maxLength, 100, `${name}.idempotency_key maxLength`);
      assert.ok(!(tool.inputSchema.required ?? []).includes('idempotency_key'), `${name}.idempotency_key must be optional`);
    }
  });

  test('preview, when declared, is a boolean defaulting to false', () => {
    for (const name of ['replicate_batch_status', 'replicate_pipeline_status', 'replicate_get_prediction']) {
      const tool = session.tools[name];
      const preview = deref(tool.inputSchema, tool.inputSchema.properties?.preview);
      if (!preview) continue; // issue 14
      assert.equal(preview.type, 'boolean', `${name}.preview type`);
      assert.equal(preview.default, false, `${name}.preview default`);
    }
  });

  test('status words are enums in the output schemas', () => {
    const enumOf = (root, schema) => {
      const s = deref(root, schema);
      const values = s?.enum ?? s?.anyOf?.flatMap((x) => deref(root, x)?.enum ?? []) ?? s?.oneOf?.flatMap((x) => deref(root, x)?.enum ?? []);
      return values?.filter((v) => v !== null);
    };
    for (const [name, list, extra] of [['replicate_batch_status', 'items', []], ['replicate_pipeline_status', 'steps', ['skipped']]]) {
      const out = session.tools[name].outputSchema;
      assert.deepEqual(enumOf(out, out.properties?.status)?.sort(), [...JOB_STATUS].sort(), `${name}: job status is not the enum ${JOB_STATUS.join('|')}`);
      const entry = deref(out, deref(out, out.properties?.[list])?.items);
      assert.deepEqual(enumOf(out, entry?.properties?.status)?.sort(), [...ITEM_STATUS, ...extra].sort(), `${name}: ${list}[].status is not an enum of the contract's words`);
    }
  });

  test('the server wrote nothing but JSON-RPC on stdout', async () => {
    await closeAndAssertCleanStdout(session);
  });
});
