// Retry and resume (CONTRACT §10) through the official SDK client: a batch with flaky items, a pipeline whose middle
// step fails, the same after the first step's outputs expired on Replicate, refusals — against the HTTP fake and --simulate.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultModels, flakyModels, startFakeReplicate } from './fake-replicate.mjs';
import { callOk, callRefused, closeAndAssertCleanStdout, startSession, textOf } from './harness.mjs';

const FLUX = 'black-forest-labs/flux-schnell';

/** Waits (wait_seconds) until the job has ended; returns its status. */
async function finished(session, kind, id) {
  const [tool, key] = kind === 'batch' ? ['replicate_batch_status', 'job_id'] : ['replicate_pipeline_status', 'pipeline_id'];
  for (let round = 0; round < 5; round++) {
    const status = (await callOk(session, tool, { [key]: id, wait_seconds: 30 }, { timeout: 45000 })).structuredContent;
    if (status.status !== 'running') return status;
  }
  throw new Error(`${id} still running`);
}

const fiveItems = (prefix) => [0, 1, 2, 3, 4].map((i) => ({
  model: i === 1 || i === 3 ? 'acme/flaky-image' : FLUX,
  input: { prompt: `${prefix} ${i}` },
}));

describe('retry tools against the HTTP fake', () => {
  let fake, session;

  before(async () => {
    fake = await startFakeReplicate({ durationMs: 600, models: [...defaultModels(), ...flakyModels()] });
    session = await startSession(fake, { name: 'retry', env: { REPLICATE_MCP_PREFER_WAIT_SECONDS: '1' } });
  });
  after(async () => { await session?.close(); await fake?.close(); });

  test('both retry tools are listed with an output schema like their start tool', () => {
    for (const [retry, start, id, selection] of [['replicate_batch_retry', 'replicate_batch_start', 'job_id', 'items'], ['replicate_pipeline_retry', 'replicate_pipeline_start', 'pipeline_id', 'steps']]) {
      const tool = session.tools[retry];
      assert.ok(tool, `${retry} is not listed`);
      assert.deepEqual(tool.inputSchema.required, [id]);
      assert.equal(tool.inputSchema.properties[selection].type, 'array');
      assert.deepEqual(tool.outputSchema, session.tools[start].outputSchema);
      assert.equal(tool.annotations.readOnlyHint, false);
      assert.match(tool.description, /attempts/);
    }
  });

  test('a 5-item batch with 2 flaky items ends partial; one replicate_batch_retry makes it succeeded with 7 predictions in all', async () => {
    const started = (await callOk(session, 'replicate_batch_start', { items: fiveItems('batch'), download: false })).structuredContent;
    const first = await finished(session, 'batch', started.job_id);
    assert.equal(first.status, 'partial');
    assert.deepEqual([first.succeeded, first.failed], [3, 2]);

    const retry = (await callOk(session, 'replicate_batch_retry', { job_id: started.job_id })).structuredContent;
    assert.deepEqual([retry.job_id, retry.total, retry.status], [started.job_id, 5, 'running']);
    assert.match(retry.message, /2 items will run again \(1, 3\)/);

    const done = await finished(session, 'batch', started.job_id);
    assert.equal(done.status, 'succeeded');
    const created = [...fake.predictions.values()].filter((p) => p.input.prompt?.startsWith('batch '));
    assert.equal(created.length, 7, 'five first tries and two retries');
    assert.deepEqual([fake.createdFor(FLUX).filter((p) => p.input.prompt.startsWith('batch ')).length, fake.createdFor('acme/flaky-image').filter((p) => p.input.prompt.startsWith('batch ')).length], [3, 4]);
    for (const index of [1, 3]) {
      const item = done.items[index];
      assert.equal(item.result.attempts.length, 1);
      assert.equal(item.result.attempts[0].status, 'failed');
      assert.equal(item.result.attempts[0].error, 'CUDA out of memory. Tried to allocate 16.00 GiB');
      assert.notEqual(item.result.attempts[0].prediction_id, item.prediction_id);
    }
    for (const index of [0, 2, 4]) {
      assert.deepEqual(done.items[index].result.attempts, []);
      assert.equal(done.items[index].prediction_id, first.items[index].prediction_id, 'succeeded items keep their prediction');
    }

    const nothing = await callRefused(session, 'replicate_batch_retry', { job_id: started.job_id }, 'Nothing to retry');
    assert.match(nothing, /every item/);
    await callRefused(session, 'replicate_batch_retry', { job_id: started.job_id, items: [0] }, 'items[0] succeeded');
    await callRefused(session, 'replicate_batch_retry', { job_id: started.job_id, items: [5] }, 'items[5] does not exist');
    assert.equal([...fake.predictions.values()].filter((p) => p.input.prompt?.startsWith('batch ')).length, 7, 'a refused retry creates nothing');
  });

  // The fake's flaky key counts any file as the same value: each pipeline gets a scale of its own, so its mid step is a new input.
  const pipelineSteps = (prompt, scale) => [
    { id: 'gen', model: FLUX, input: { prompt } },
    { id: 'mid', model: 'acme/flaky-upscale', input: { image: '$gen.urls[0]', scale } },
    { id: 'cap', model: 'meta/meta-llama-3-8b-instruct', input: { prompt: 'Describe $mid.urls[0]' } },
  ];

  test('a 3-step pipeline whose middle step fails resumes without re-creating its first step', async () => {
    const started = (await callOk(session, 'replicate_pipeline_start', { steps: pipelineSteps('a lighthouse', 2), download: false })).structuredContent;
    const first = await finished(session, 'pipeline', started.pipeline_id);
    assert.deepEqual(first.steps.map((s) => s.status), ['succeeded', 'failed', 'skipped']);

    const retry = (await callOk(session, 'replicate_pipeline_retry', { pipeline_id: started.pipeline_id })).structuredContent;
    assert.match(retry.message, /2 steps will run again \(mid, cap\)/);
    const done = await finished(session, 'pipeline', started.pipeline_id);

    assert.equal(done.status, 'succeeded', JSON.stringify(done.steps.map((s) => [s.id, s.status, s.error])));
    assert.equal(done.steps[0].prediction_id, first.steps[0].prediction_id);
    assert.equal(fake.createdFor(FLUX).filter((p) => p.input.prompt === 'a lighthouse').length, 1, 'gen was created once');
    const mids = fake.createdFor('acme/flaky-upscale').filter((p) => p.input.image === first.steps[0].result.urls[0]);
    assert.equal(mids.length, 2, 'mid was tried twice, both times with gen\'s URL');
    assert.deepEqual(done.steps[1].result.attempts.map((a) => a.status), ['failed']);
    assert.deepEqual(done.steps[2].result.attempts.map((a) => a.status), ['skipped']);
  });

  test('the same after the first step\'s outputs expired: its downloaded file is sent instead, gen is not re-created', async () => {
    const started = (await callOk(session, 'replicate_pipeline_start', { steps: pipelineSteps('a harbour', 3), download: true })).structuredContent;
    const first = await finished(session, 'pipeline', started.pipeline_id);
    assert.deepEqual(first.steps.map((s) => s.status), ['succeeded', 'failed', 'skipped']);
    fake.expireOutputs();
    const url = first.steps[0].result.urls[0];
    assert.equal((await fetch(url)).status, 404, 'the fake removed the file');
    const uploadsBefore = fake.files.size;
    const genBefore = fake.createdFor(FLUX).length;

    const retry = await callOk(session, 'replicate_pipeline_retry', { pipeline_id: started.pipeline_id });
    assert.match(textOf(retry), /The outputs of step gen have expired on Replicate: their downloaded files are sent instead/);
    const done = await finished(session, 'pipeline', started.pipeline_id);

    assert.equal(done.status, 'succeeded', JSON.stringify(done.steps.map((s) => [s.id, s.status, s.error])));
    assert.equal(fake.createdFor(FLUX).length, genBefore, 'gen was not created again');
    assert.equal(fake.createdFor(FLUX).filter((p) => p.input.prompt === 'a harbour').length, 1);
    const mid = fake.createdFor('acme/flaky-upscale').filter((p) => p.input.prompt === undefined).at(-1);
    assert.match(mid.input.image, /^data:image\/png;base64,/, 'the downloaded file went inline (a small PNG, under 256 KB)');
    assert.equal(fake.files.size, uploadsBefore, 'small files are inlined, not uploaded');
    assert.ok(done.steps[1].input.image.includes(first.steps[0].result.local_paths[0]), `the status names the local file sent: ${done.steps[1].input.image}`);
    console.log(`expired-output resume: creates flux=${fake.createdFor(FLUX).filter((p) => p.input.prompt === 'a harbour').length} ` +
      `mid=${fake.createdFor('acme/flaky-upscale').filter((p) => p.input.image === url || p.input.image?.startsWith('data:')).length} uploads=${fake.files.size - uploadsBefore}`);
  });

  test('expired outputs that were not downloaded refuse the retry naming the step', async () => {
    const started = (await callOk(session, 'replicate_pipeline_start', { steps: pipelineSteps('a meadow', 4), download: false })).structuredContent;
    await finished(session, 'pipeline', started.pipeline_id);
    fake.expireOutputs();
    const before = fake.predictions.size;

    await callRefused(session, 'replicate_pipeline_retry', { pipeline_id: started.pipeline_id }, ['steps[gen]', 'expired on Replicate', 'download: false']);
    await callRefused(session, 'replicate_pipeline_retry', { pipeline_id: started.pipeline_id, steps: ['gen'] }, 'steps[gen] succeeded');
    await callRefused(session, 'replicate_pipeline_retry', { pipeline_id: started.pipeline_id, steps: ['cap'] }, "steps[cap] was skipped because 'mid' did not succeed");
    await callRefused(session, 'replicate_pipeline_retry', { pipeline_id: 'pipe-abcdefghijkm' }, 'ttl_hours');
    assert.equal(fake.predictions.size, before, 'nothing was created');
  });

  test('stdout carried only JSON-RPC', async () => {
    await closeAndAssertCleanStdout(session);
  });
});

describe('retry with --simulate', () => {
  let session;

  before(async () => {
    session = await startSession(null, { name: 'retry-simulate', env: { REPLICATE_MCP_SIMULATE: '1', REPLICATE_API_TOKEN: '' } });
  });
  after(async () => { await session?.close(); });

  test('a 5-item batch with 2 flaky items ends partial; one replicate_batch_retry makes it succeeded with 7 predictions in all', async () => {
    const started = (await callOk(session, 'replicate_batch_start', { items: fiveItems('simulated'), download: false })).structuredContent;
    const first = await finished(session, 'batch', started.job_id);
    assert.equal(first.status, 'partial');
    assert.match(first.items[1].error, /flaky/);

    const retry = (await callOk(session, 'replicate_batch_retry', { job_id: started.job_id })).structuredContent;
    assert.equal(retry.status, 'running');
    const done = await finished(session, 'batch', started.job_id);

    assert.equal(done.status, 'succeeded');
    const predictions = new Set(done.items.flatMap((i) => [i.prediction_id, ...i.result.attempts.map((a) => a.prediction_id)]));
    assert.equal(predictions.size, 7);
    console.log(`--simulate: calls batch_start, batch_status (partial: ${first.succeeded} succeeded, ${first.failed} failed), batch_retry, batch_status (${done.status}); ${predictions.size} predictions`);
  });
});
