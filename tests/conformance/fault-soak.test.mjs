// The fault soak (issue 19 point 7): seeded and bounded, several rounds of what a laptop does to a server — kill -9 of
// the process group, a quit, the state disk full and then freed (a small tmpfs, where this machine lets us mount one)
// — while the fake fails GETs (503, connection resets) and throttles creates. At the end one server adopts whatever is
// left; the soak prints items, creates, duplicates, stranded and lost, and fails on any duplicate, stranded or lost item.
//   duplicates: an item created more than once on Replicate;
//   stranded:   an accepted item whose job does not reach its end, or whose job no server knows;
//   lost:       a prediction created on Replicate that no item reports (paid for, never seen).
// SOAK_SEED picks another run; SOAK_ROUNDS another length (default 12: about a minute on a quiet machine).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startFakeReplicate } from './fake-replicate.mjs';
import { callOk, makeDirs, serverCommand, startSession, textOf } from './harness.mjs';

const SEED = Number(process.env.SOAK_SEED ?? 1919);
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 12);
const FINISHED = new Set(['succeeded', 'failed', 'partial', 'canceled']);

/** mulberry32: a small seeded generator, so a failing run can be repeated with its seed. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server command wrapped in `setsid sh -c`, so its pid is its process group's id. */
function shellWrapped() {
  const { command, args } = serverCommand();
  const quoted = [command, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
  return { command: 'setsid', args: ['sh', '-c', quoted] };
}

/** A tmpfs of 2 MB on the state folder when we are root and mount works; else null (the disk-full rounds are skipped). */
function mountSmallDisk(folder) {
  if (process.getuid?.() !== 0) return null;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', folder], { stdio: 'ignore' });
    return folder;
  } catch {
    return null;
  }
}

/** Fills the disk to the last byte; returns the filler's path, to free it. */
function fill(folder) {
  const filler = join(folder, 'filler');
  const fd = openSync(filler, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if (error.code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return filler;
}

/** SIGKILL to the server's process group; never to pid 0 (a closed transport has none: -0 would be our own group). */
function killGroup(session) {
  const { pid } = session.transport;
  if (!Number.isInteger(pid) || pid <= 0) return;
  try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
}

const sessions = [];
let fake;
let dirs;
let mounted = null;

after(async () => {
  for (const s of sessions) killGroup(s);
  await Promise.allSettled(sessions.map((s) => s.client.close()));
  await fake?.close();
  if (mounted) { try { execFileSync('umount', ['-l', mounted], { stdio: 'ignore' }); } catch { /* already */ } }
  if (dirs) rmSync(dirs.root, { recursive: true, force: true });
});

test(`fault soak (seed ${SEED}, ${ROUNDS} rounds): no duplicate, stranded or lost item`, { timeout: 170_000 }, async () => {
  try {
    await soak();
  } catch (error) {
    const last = sessions.at(-1);
    error.message += `\nlast server's stderr:\n${last?.stderr().split('\n').slice(-30).join('\n')}`;
    throw error;
  }
});

async function soak() {
  const random = seeded(SEED);
  fake = await startFakeReplicate({ durationMs: 1500, slowMs: 2500, faults: { random: seeded(SEED + 1), getRate: 0.08, createRate: 0.04 } });
  dirs = makeDirs();
  mounted = mountSmallDisk(dirs.state);
  if (!mounted) console.log('# fault soak: this machine does not let us mount a tmpfs (needs root); the disk-full rounds are skipped');

  const start = async (name) => {
    const session = await startSession(fake, { dirs, name, command: shellWrapped() });
    sessions.push(session);
    return session;
  };
  const accepted = new Map(); // job id → prompts
  let refused = 0;
  let serial = 0;
  let server = await start('soak-0');

  /** Starts a batch of 2–5 items; counts a refusal (a full disk) instead of failing. */
  async function startBatch() {
    const prompts = Array.from({ length: 2 + Math.floor(random() * 4) }, () => `soak ${SEED} item ${serial++}`);
    const result = await server.client.callTool({ name: 'replicate_batch_start', arguments: { items: prompts.map((prompt) => ({ model: 'acme/slow-image', input: { prompt } })), concurrency: 3, download: false, validate: false } });
    if (result.isError) {
      assert.match(textOf(result), /state folder/, `a refused start names the state folder: ${textOf(result)}`);
      refused++;
      return;
    }
    accepted.set(result.structuredContent.job_id, prompts);
  }

  const faults = { kill: 0, quit: 0, diskFull: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    await startBatch();
    await sleep(200 + random() * 1300);
    const pick = random();
    if (pick < 0.4) {
      faults.kill++;
      killGroup(server);
      server = await start(`soak-${round + 1}`);
    } else if (pick < 0.65) {
      faults.quit++;
      void server.client.close(); // stdin closed; the next server starts at once
      server = await start(`soak-${round + 1}`);
    } else if (mounted) {
      faults.diskFull++;
      const filler = fill(mounted);
      await startBatch(); // refused, or its items fail unsent: never paid for unrecorded
      await sleep(300 + random() * 700);
      if (random() < 0.5) {
        killGroup(server);
        server = await start(`soak-${round + 1}`);
      }
      unlinkSync(filler);
    }
  }

  // The last server adopts whatever is left; every accepted job must end.
  const statuses = new Map();
  const deadline = Date.now() + 90_000;
  for (const jobId of accepted.keys()) {
    for (;;) {
      const result = await server.client.callTool({ name: 'replicate_batch_status', arguments: { job_id: jobId, include_results: false, wait_seconds: 10 } }, undefined, { timeout: 30_000 });
      if (!result.isError && FINISHED.has(result.structuredContent.status)) { statuses.set(jobId, result.structuredContent); break; }
      if (Date.now() > deadline) { statuses.set(jobId, result.isError ? null : result.structuredContent); break; }
      if (result.isError) await sleep(500); // not yet adopted by anyone
    }
  }

  const items = [...accepted.values()].reduce((n, prompts) => n + prompts.length, 0);
  const perPrompt = new Map();
  for (const p of fake.predictions.values()) perPrompt.set(p.input.prompt, (perPrompt.get(p.input.prompt) ?? 0) + 1);
  const duplicates = [...perPrompt.values()].filter((n) => n > 1).length;
  let stranded = 0;
  const reported = new Set();
  for (const [jobId, prompts] of accepted) {
    const status = statuses.get(jobId);
    if (!status || !FINISHED.has(status.status)) { stranded += prompts.length; continue; }
    for (const item of status.items) if (item.prediction_id) reported.add(item.prediction_id);
  }
  const lostIds = [...fake.predictions.keys()].filter((id) => !reported.has(id));
  const lost = lostIds.length;
  const itemOf = new Map();
  for (const [jobId, status] of statuses) for (const item of status?.items ?? []) itemOf.set(accepted.get(jobId)[item.index], { jobId, ...item });
  console.log(`# fault soak seed ${SEED}: ${ROUNDS} rounds (${faults.kill} kill -9, ${faults.quit} quits, ${faults.diskFull} disk full${mounted ? '' : ' — no tmpfs'}), ${fake.faultsServed} faults at the fake; ` +
    `items ${items}, refused starts ${refused}, creates ${fake.predictions.size}, duplicates ${duplicates}, stranded ${stranded}, lost ${lost}`);

  assert.equal(duplicates, 0, 'an item was created more than once');
  assert.equal(stranded, 0, `accepted items whose job did not end: ${[...statuses].filter(([, s]) => !s || !FINISHED.has(s.status)).map(([id, s]) => `${id}: ${s?.status ?? 'unknown to the server'}`).join(', ')}`);
  assert.equal(lost, 0, `predictions created on Replicate that no item reports: ${lostIds.map((id) => {
    const p = fake.predictions.get(id);
    return `${id} (${p.input.prompt}, ${p.status}; its item: ${JSON.stringify(itemOf.get(p.input.prompt) ?? 'none')})`;
  }).join('; ')}`);
}
