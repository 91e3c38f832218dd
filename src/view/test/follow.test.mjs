// The follower's pace (contract §11): status calls at most 2 a second, none once the job has ended. Virtual time:
// `sleep` advances the clock, so these run instantly and every timing is exact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Follower, MIN_SPACING_MS, WAIT_SECONDS } from '../src/follow.js';

function harness(answers, { answerMs = 0 } = {}) {
  let now = 1_000_000;
  const calls = [];
  const seen = [];
  const errors = [];
  let job = { status: 'running' };
  const follower = new Follower(async (name, args) => {
    calls.push({ name, args, at: now });
    now += answerMs;
    const next = answers.shift();
    return typeof next === 'function' ? next() : next;
  }, {
    now: () => now,
    sleep: async (ms) => { now += ms; },
    onStatus: (status) => { job = status; seen.push(status.status); },
    onError: (text) => errors.push(text),
  });
  return { follower, calls, seen, errors, isRunning: () => job.status === 'running' };
}

const status = (s) => ({ structuredContent: { status: s } });

test('answers that come back at once are spaced 500 ms apart, and the call that shows the end is the last', async () => {
  const h = harness([status('running'), status('running'), status('running'), status('succeeded'), status('running')]);
  await h.follower.follow('batch', 'batch-1', h.isRunning);
  assert.equal(h.calls.length, 4);
  for (let i = 1; i < h.calls.length; i++) assert.ok(h.calls[i].at - h.calls[i - 1].at >= MIN_SPACING_MS, `call ${i} came ${h.calls[i].at - h.calls[i - 1].at} ms after the one before`);
  assert.deepEqual(h.seen, ['running', 'running', 'running', 'succeeded']);
  assert.deepEqual(h.calls[0], { name: 'replicate_batch_status', args: { job_id: 'batch-1', wait_seconds: WAIT_SECONDS }, at: h.calls[0].at });
});

test('answers that wait the full wait_seconds are followed at once by the next call (about one a second)', async () => {
  const h = harness([status('running'), status('running'), status('partial')], { answerMs: WAIT_SECONDS * 1000 });
  await h.follower.follow('pipeline', 'pipe-1', h.isRunning);
  assert.equal(h.calls.length, 3);
  assert.equal(h.calls[0].name, 'replicate_pipeline_status');
  assert.deepEqual(h.calls[0].args, { pipeline_id: 'pipe-1', wait_seconds: WAIT_SECONDS });
  assert.equal(h.calls[1].at - h.calls[0].at, WAIT_SECONDS * 1000);
});

test('an error answer (the job expired) stops following and is shown', async () => {
  const h = harness([status('running'), { isError: true, content: [{ type: 'text', text: 'job_id: no batch with id' }] }, status('running')]);
  await h.follower.follow('batch', 'batch-1', h.isRunning);
  assert.equal(h.calls.length, 2);
  assert.deepEqual(h.errors, ['job_id: no batch with id']);
});

test('a second follow while following makes no calls of its own', async () => {
  let release;
  const gate = new Promise((r) => { release = r; });
  const h = harness([() => gate.then(() => status('succeeded'))]);
  const first = h.follower.follow('batch', 'batch-1', h.isRunning);
  await h.follower.follow('batch', 'batch-1', h.isRunning);
  release();
  await first;
  assert.equal(h.calls.length, 1);
});

test('a job that ended before following began gets no call', async () => {
  const h = harness([status('running')]);
  await h.follower.follow('batch', 'batch-1', () => false);
  assert.equal(h.calls.length, 0);
});
