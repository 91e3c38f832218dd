// Pipelines through the official SDK client: templates, status (every option), failure skips, cancel.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertAllFields, assertDownloads, assertLean, assertNoPictures, assertPreview } from './checks.mjs';
import { startFakeReplicate } from './fake-replicate.mjs';
import { callOk, callRefused, closeAndAssertCleanStdout, startSession, textOf } from './harness.mjs';

describe('pipeline tools', () => {
  let fake, session, pipeline, partialPipeline;
  const steps = [
    { id: 'gen', model: 'black-forest-labs/flux-schnell', input: { prompt: 'a lighthouse at dusk', num_outputs: 2 } },
    { id: 'up', model: 'nightmareai/real-esrgan', input: { image: '$gen.urls[1]', scale: 2 } },
    { id: 'caption', model: 'meta/meta-llama-3-8b-instruct', input: { prompt: 'Describe $up.urls[0] (made by $gen.prediction_id)' }, depends_on: ['gen'] },
    { id: 'alone', model: 'meta/meta-llama-3-8b-instruct', input: { prompt: 'Say $$5 in words' } },
  ];

  before(async () => {
    fake = await startFakeReplicate({ durationMs: 1200 });
    session = await startSession(fake, { name: 'pipeline', env: { REPLICATE_MCP_PREFER_WAIT_SECONDS: '1' } });
  });
  after(async () => { await session?.close(); await fake?.close(); });

  test('replicate_pipeline_start with every option answers at once', async () => {
    const result = await callOk(session, 'replicate_pipeline_start', {
      steps, concurrency: 2, download: true, timeout_ms_per_step: 60000, ttl_hours: 3, validate: true,
    });
    pipeline = result.structuredContent;
    assert.match(pipeline.pipeline_id, /\S/);
    assert.equal(pipeline.total, 4);
    assert.equal(pipeline.status, 'running');
    assert.ok(pipeline.message.length > 0);
  });

  test('replicate_pipeline_status with wait_seconds sends progress and returns when finished', async () => {
    const progress = [];
    const result = await callOk(session, 'replicate_pipeline_status', { pipeline_id: pipeline.pipeline_id, wait_seconds: 40 }, {
      onprogress: (p) => progress.push(p),
      timeout: 55000,
    });
    assert.equal(result.structuredContent.status, 'succeeded', textOf(result));
    assert.ok(progress.length >= 1, 'no progress notification while waiting');
    assert.ok(progress.every((p) => p.total === 4 && p.progress <= 4), JSON.stringify(progress));
  });

  test('replicate_pipeline_status with include_outputs (default true): inputs as sent, templates resolved', async () => {
    const result = await callOk(session, 'replicate_pipeline_status', { pipeline_id: pipeline.pipeline_id, include_outputs: true });
    const status = result.structuredContent;
    assert.equal(status.kind, 'pipeline');
    assert.deepEqual([status.total, status.succeeded, status.skipped, status.failed], [4, 4, 0, 0]);
    const step = Object.fromEntries(status.steps.map((s) => [s.id, s]));
    assert.equal(step.up.input.image, step.gen.result.urls[1], 'a whole-string reference becomes the value');
    assert.equal(step.caption.input.prompt, `Describe ${step.up.result.urls[0]} (made by ${step.gen.prediction_id})`);
    assert.equal(step.alone.input.prompt, 'Say $5 in words', '$$ is a literal $');
    assert.deepEqual(step.caption.depends_on, ['gen', 'up'], 'depends_on is declared ∪ referenced, sorted');
    assert.deepEqual(step.alone.depends_on, []);
    assertDownloads(step.gen.result.local_paths, join(session.dirs.downloads, pipeline.pipeline_id, 'gen'), 'step gen');
    assertDownloads(step.up.result.local_paths, join(session.dirs.downloads, pipeline.pipeline_id, 'up'), 'step up');
    assert.equal(fake.createdFor('nightmareai/real-esrgan')[0].input.image, step.gen.result.urls[1], 'Replicate got the resolved input');
    assertNoPictures(result, 'replicate_pipeline_status');
  });

  test('every listed field is present', async () => {
    assertAllFields((await callOk(session, 'replicate_pipeline_status', { pipeline_id: pipeline.pipeline_id })).structuredContent, 'replicate_pipeline_status');
  });

  test('lean answers: no redundant output, no logs_tail for succeeded steps, a readable text summary', async () => {
    assertLean(await callOk(session, 'replicate_pipeline_status', { pipeline_id: pipeline.pipeline_id }), 'replicate_pipeline_status');
  });

  test('replicate_pipeline_status with include_outputs false: the same steps without result and input', async () => {
    const result = await callOk(session, 'replicate_pipeline_status', { pipeline_id: pipeline.pipeline_id, include_outputs: false, wait_seconds: 0 });
    for (const step of result.structuredContent.steps) {
      assert.ok(!('result' in step) && !('input' in step), `step ${step.id} still carries result/input`);
      assert.equal(step.status, 'succeeded');
    }
  });

  test('replicate_pipeline_status with preview (when declared) adds a contact sheet and resource links', async (t) => {
    if (!session.declares('replicate_pipeline_status', 'preview')) return t.skip('replicate_pipeline_status does not declare preview yet (issue 14)');
    const result = await callOk(session, 'replicate_pipeline_status', { pipeline_id: pipeline.pipeline_id, preview: true });
    assertPreview(result, result.structuredContent.steps.flatMap((s) => s.result.local_paths), 'replicate_pipeline_status preview');
  });

  test('replicate_list_jobs lists the pipeline', async () => {
    const result = await callOk(session, 'replicate_list_jobs', {});
    const entry = result.structuredContent.jobs.find((j) => j.id === pipeline.pipeline_id);
    assert.ok(entry, 'the pipeline is not listed');
    assert.deepEqual([entry.kind, entry.status, entry.total, entry.succeeded], ['pipeline', 'succeeded', 4, 4]);
  });

  test('a failed step skips the steps that depend on it; independent branches run on', async () => {
    const started = await callOk(session, 'replicate_pipeline_start', {
      steps: [
        { id: 'bad', model: 'acme/always-fail', input: { prompt: 'x' } },
        { id: 'after_bad', model: 'nightmareai/real-esrgan', input: { image: '$bad.urls[0]' } },
        { id: 'later', model: 'meta/meta-llama-3-8b-instruct', input: { prompt: 'then' }, depends_on: ['after_bad'] },
        { id: 'free', model: 'meta/meta-llama-3-8b-instruct', input: { prompt: 'independent' } },
      ],
      download: false,
    });
    const result = await callOk(session, 'replicate_pipeline_status', { pipeline_id: started.structuredContent.pipeline_id, wait_seconds: 30 }, { timeout: 45000 });
    const status = result.structuredContent;
    const step = Object.fromEntries(status.steps.map((s) => [s.id, s]));
    assert.equal(step.bad.status, 'failed');
    assert.match(String(step.bad.error ?? step.bad.result?.error), /CUDA out of memory/);
    for (const id of ['after_bad', 'later']) {
      assert.equal(step[id].status, 'skipped');
      assert.match(String(step[id].skip_reason), /bad/, `skip_reason of ${id} names the failed step`);
    }
    assert.equal(step.free.status, 'succeeded');
    assert.equal(status.status, 'partial');
    partialPipeline = status.pipeline_id;
  });

  test('include_outputs false on a pipeline with failed and skipped steps: no result or input, errors and skip reasons kept', async () => {
    const lean = (await callOk(session, 'replicate_pipeline_status', { pipeline_id: partialPipeline, include_outputs: false })).structuredContent;
    assert.ok(lean.steps.every((s) => !('result' in s) && !('input' in s)), 'a step still carries result or input');
    const step = Object.fromEntries(lean.steps.map((s) => [s.id, s]));
    assert.match(String(step.bad.error), /CUDA out of memory/);
    assert.match(String(step.later.skip_reason), /bad/);
  });

  test('validate false: a step input the model\'s schema would refuse is sent as given', async () => {
    const steps = [{ id: 'free', model: 'meta/meta-llama-3-8b-instruct', input: { prompt: 'unvalidated step', temperature: 9 } }];
    await callRefused(session, 'replicate_pipeline_start', { steps }, 'temperature');
    const started = await callOk(session, 'replicate_pipeline_start', { steps, validate: false, download: false });
    const done = await callOk(session, 'replicate_pipeline_status', { pipeline_id: started.structuredContent.pipeline_id, wait_seconds: 30 }, { timeout: 45000 });
    assert.equal(done.structuredContent.status, 'succeeded');
    assert.equal(fake.createdFor('meta/meta-llama-3-8b-instruct').filter((p) => p.input.prompt === 'unvalidated step')[0]?.input.temperature, 9);
  });

  test('replicate_pipeline_cancel cancels the running step on Replicate; steps that never started are canceled', async () => {
    const started = await callOk(session, 'replicate_pipeline_start', {
      steps: [
        { id: 'slow', model: 'acme/slow-image', input: { prompt: 'slow pipeline' } },
        { id: 'next', model: 'nightmareai/real-esrgan', input: { image: '$slow.urls[0]' } },
      ],
    });
    const id = started.structuredContent.pipeline_id;
    const mine = () => fake.createdFor('acme/slow-image').filter((p) => p.input.prompt === 'slow pipeline');
    await fake.until(() => mine().length === 1 && mine()[0].answeredAt, 15000, 'the slow create answered');
    const calledAt = Date.now();
    const result = await callOk(session, 'replicate_pipeline_cancel', { pipeline_id: id });
    const status = result.structuredContent;
    assert.equal(status.status, 'canceled', textOf(result));
    const step = Object.fromEntries(status.steps.map((s) => [s.id, s]));
    assert.equal(step.slow.status, 'canceled');
    assert.equal(step.next.status, 'canceled', 'a step that never started is canceled on a user cancel');
    await fake.until(() => mine()[0].status === 'canceled', Math.max(0, calledAt + 3000 - Date.now()) + 1, 'the running prediction cancelled on Replicate within 3 s');
  });

  test('idempotency_key (when declared): the same key gives the same pipeline and creates nothing twice', async (t) => {
    if (!session.declares('replicate_pipeline_start', 'idempotency_key')) return t.skip('replicate_pipeline_start does not declare idempotency_key yet (issue 13)');
    const args = { steps: [{ id: 'one', model: 'meta/meta-llama-3-8b-instruct', input: { prompt: 'idempotent pipeline' } }], idempotency_key: 'conformance-pipeline-1' };
    const first = await callOk(session, 'replicate_pipeline_start', args);
    const second = await callOk(session, 'replicate_pipeline_start', args);
    assert.equal(second.structuredContent.pipeline_id, first.structuredContent.pipeline_id);
    await callOk(session, 'replicate_pipeline_status', { pipeline_id: first.structuredContent.pipeline_id, wait_seconds: 30 }, { timeout: 45000 });
    assert.equal(fake.createdFor('meta/meta-llama-3-8b-instruct').filter((p) => p.input.prompt === 'idempotent pipeline').length, 1);
    await callRefused(session, 'replicate_pipeline_start', { ...args, idempotency_key: 'k'.repeat(101) }, 'idempotency_key');
  });

  test('the server wrote nothing but JSON-RPC on stdout', async () => {
    await closeAndAssertCleanStdout(session);
  });
});
