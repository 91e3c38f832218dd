// Model tools through the official SDK client: get_model_schema (official, community, pinned version) and
// search_models (Replicate's /search, and the older QUERY /models when /search is not there).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeReplicate } from './fake-replicate.mjs';
import { callOk, closeAndAssertCleanStdout, startSession } from './harness.mjs';

const SDXL_VERSION = '39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b';

describe('model tools', () => {
  let fake, session;
  before(async () => {
    fake = await startFakeReplicate();
    session = await startSession(fake, { name: 'models' });
  });
  after(async () => { await session?.close(); await fake?.close(); });

  test('replicate_get_model_schema of an official model: Input with enums inlined, siblings kept, example input', async () => {
    const { structuredContent: view } = await callOk(session, 'replicate_get_model_schema', { model: 'black-forest-labs/flux-schnell' });
    assert.equal(view.model, 'black-forest-labs/flux-schnell');
    assert.equal(view.is_official, true);
    assert.match(view.version_id, /^[0-9a-f]{64}$/);
    assert.match(view.description, /image generation/);
    const aspect = view.input_schema.properties.aspect_ratio;
    assert.deepEqual(aspect.enum, ['1:1', '16:9', '9:16', '4:3', '3:4'], 'the $ref/allOf enum is inlined');
    assert.equal(aspect.default, '1:1');
    assert.equal(aspect['x-order'], 2);
    assert.equal(aspect.description, 'Aspect ratio of the output image');
    assert.ok(!JSON.stringify(view.input_schema).includes('$ref'), 'input_schema still holds a $ref');
    assert.equal(view.output_schema.type, 'array');
    assert.deepEqual(view.example_input, { prompt: 'a studio photo of a rainbow colored corgi', aspect_ratio: '1:1', num_outputs: 1 });
  });

  test('replicate_get_model_schema of a community model by name and by pinned version', async () => {
    const byName = (await callOk(session, 'replicate_get_model_schema', { model: 'stability-ai/sdxl' })).structuredContent;
    assert.equal(byName.is_official, false);
    assert.equal(byName.version_id, SDXL_VERSION);
    const pinned = (await callOk(session, 'replicate_get_model_schema', { model: `stability-ai/sdxl:${SDXL_VERSION}` })).structuredContent;
    assert.equal(pinned.model, `stability-ai/sdxl:${SDXL_VERSION}`);
    assert.equal(pinned.version_id, SDXL_VERSION);
    assert.ok(fake.requests.some((r) => r.path === `/v1/models/stability-ai/sdxl/versions/${SDXL_VERSION}`), 'the pinned version was not read');
    assert.deepEqual(pinned.input_schema.properties.output_format.enum, ['png', 'webp', 'jpg']);
  });

  test('replicate_get_model_schema of a language model: required prompt', async () => {
    const { structuredContent: view } = await callOk(session, 'replicate_get_model_schema', { model: 'meta/meta-llama-3-8b-instruct' });
    assert.deepEqual(view.input_schema.required, ['prompt']);
  });

  test('replicate_search_models with and without limit', async () => {
    const all = (await callOk(session, 'replicate_search_models', { query: 'image' })).structuredContent.models;
    assert.ok(all.length >= 3, `expected several image models, got ${all.map((m) => m.model)}`);
    for (const m of all) {
      assert.match(m.model, /^[^/]+\/[^/]+$/);
      assert.equal(typeof m.is_official, 'boolean');
      assert.ok('description' in m && 'run_count' in m);
    }
    const one = (await callOk(session, 'replicate_search_models', { query: 'image', limit: 1 })).structuredContent.models;
    assert.equal(one.length, 1);
    assert.ok(fake.requests.some((r) => r.method === 'GET' && r.path === '/v1/search'));
  });

  test('replicate_search_models with no match answers an empty list', async () => {
    const { structuredContent } = await callOk(session, 'replicate_search_models', { query: 'zzqx nothing like this', limit: 50 });
    assert.deepEqual(structuredContent.models, []);
  });

  test('the server wrote nothing but JSON-RPC on stdout', async () => {
    await closeAndAssertCleanStdout(session);
  });
});

describe('model search where /search is missing', () => {
  let fake, session;
  before(async () => {
    fake = await startFakeReplicate({ searchEndpoint: false });
    session = await startSession(fake, { name: 'search-fallback' });
  });
  after(async () => { await session?.close(); await fake?.close(); });

  test('replicate_search_models falls back to QUERY /models', async () => {
    const models = (await callOk(session, 'replicate_search_models', { query: 'llama', limit: 5 })).structuredContent.models;
    assert.deepEqual(models.map((m) => m.model), ['meta/meta-llama-3-8b-instruct']);
    assert.ok(fake.requests.some((r) => r.method === 'QUERY' && r.path === '/v1/models'));
  });

  test('the server wrote nothing but JSON-RPC on stdout', async () => {
    await closeAndAssertCleanStdout(session);
  });
});
