// Self-test of the stdout guard the other files rely on: a server that writes a stray line is caught,
// and one that does not is not.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { closeAndAssertCleanStdout, startSession } from './harness.mjs';

const fixture = { command: process.execPath, args: [join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'stray-stdout-server.mjs')] };

describe('stdout guard', () => {
  test('catches a line on stdout that is not JSON-RPC', async () => {
    const session = await startSession(null, { command: fixture, env: { STRAY_LINE: 'info: Server started (a log line on stdout)' }, name: 'stray' });
    const result = await session.client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    assert.equal(result.content[0].text, 'hi');
    await assert.rejects(closeAndAssertCleanStdout(session), (error) => {
      assert.match(error.message, /not JSON-RPC/);
      assert.match(error.message, /info: Server started \(a log line on stdout\)/);
      return true;
    });
  });

  test('catches a JSON line that is not a JSON-RPC message', async () => {
    const session = await startSession(null, { command: fixture, env: { STRAY_LINE: '{"level":"info","msg":"structured log"}' }, name: 'stray-json' });
    await session.client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    await session.close();
    assert.deepEqual(session.transport.strayLines, ['{"level":"info","msg":"structured log"}']);
  });

  test('passes a server that writes only JSON-RPC', async () => {
    const session = await startSession(null, { command: fixture, env: { STRAY_LINE: '' }, name: 'clean' });
    await session.client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    await closeAndAssertCleanStdout(session);
  });
});
