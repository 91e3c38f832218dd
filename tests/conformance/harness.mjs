// Starts the built server over stdio with the official TypeScript SDK client, against a fake Replicate,
// and watches its stdout for anything that is not JSON-RPC.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { TOKEN } from './fake-replicate.mjs';
import { png } from './png.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');

/**
 * The server command: REPLICATE_MCP_SERVER_COMMAND (a command line split on spaces, or a JSON array),
 * else `dotnet <repo>/src/ReplicateMcp/bin/Release/net10.0/ReplicateMcp.dll` (Debug when Release is missing).
 */
export function serverCommand() {
  const configured = process.env.REPLICATE_MCP_SERVER_COMMAND?.trim();
  if (configured) {
    const parts = configured.startsWith('[') ? JSON.parse(configured) : configured.split(/\s+/);
    return { command: parts[0], args: parts.slice(1) };
  }
  for (const configuration of ['Release', 'Debug']) {
    const dll = join(repoRoot, 'src', 'ReplicateMcp', 'bin', configuration, 'net10.0', 'ReplicateMcp.dll');
    if (existsSync(dll)) return { command: 'dotnet', args: [dll] };
  }
  throw new Error('No built server: run `dotnet build src/ReplicateMcp -c Release` first, or set REPLICATE_MCP_SERVER_COMMAND.');
}

/** Passed through to the server besides the SDK's default (HOME, PATH, …): what `dotnet` needs to find itself. */
function inheritedDotnetEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(DOTNET_|NUGET_|TMPDIR$|XDG_RUNTIME_DIR$)/.test(k)));
}

/** A fresh temp folder with the state dir, the download dir and an input dir holding two small photos. */
export function makeDirs() {
  const root = mkdtempSync(join(tmpdir(), 'replicate-mcp-conformance-'));
  const dirs = { root, state: join(root, 'state'), downloads: join(root, 'downloads'), inputs: join(root, 'inputs') };
  for (const d of [dirs.state, dirs.downloads, dirs.inputs]) mkdirSync(d, { recursive: true });
  writeFileSync(join(dirs.inputs, 'photo-a.png'), png('photo-a', 48, 32));
  writeFileSync(join(dirs.inputs, 'photo-b.png'), png('photo-b', 32, 48));
  return dirs;
}

/**
 * A StdioClientTransport that also reads the child's stdout line by line, on its own, and keeps every line
 * that is not a JSON-RPC 2.0 message (a stray log line, a banner, a blank line).
 */
export class CheckedStdioTransport extends StdioClientTransport {
  strayLines = [];
  #pending = '';

  async start() {
    await super.start();
    // The SDK keeps the child in `_process` (TypeScript-private only); the version is pinned in package-lock.json.
    const stdout = this._process?.stdout;
    assert.ok(stdout, 'the SDK transport exposes no child stdout to check');
    stdout.on('data', (chunk) => {
      this.#pending += chunk.toString('utf8');
      let newline;
      while ((newline = this.#pending.indexOf('\n')) >= 0) {
        this.#check(this.#pending.slice(0, newline).replace(/\r$/, ''));
        this.#pending = this.#pending.slice(newline + 1);
      }
    });
    stdout.on('end', () => { if (this.#pending.length > 0) this.#check(this.#pending); this.#pending = ''; });
  }

  #check(line) {
    try {
      const message = JSON.parse(line);
      const batch = Array.isArray(message) ? message : [message];
      if (batch.length > 0 && batch.every((m) => m && typeof m === 'object' && m.jsonrpc === '2.0')) return;
    } catch { /* not JSON: stray */ }
    this.strayLines.push(line);
  }
}

/**
 * Starts a fake-backed server session. `env` adds/overrides server variables; `command` overrides the server command.
 * Returns { client, transport, tools (by name), dirs, stderr(), close() }.
 */
export async function startSession(fake, { env = {}, command = serverCommand(), dirs = makeDirs(), name = 'conformance' } = {}) {
  const stderr = [];
  const transport = new CheckedStdioTransport({
    command: command.command,
    args: command.args,
    stderr: 'pipe',
    env: {
      ...inheritedDotnetEnv(),
      REPLICATE_API_TOKEN: TOKEN,
      REPLICATE_BASE_URL: fake?.baseUrl ?? 'http://127.0.0.1:9/v1',
      REPLICATE_MCP_STATE_DIR: dirs.state,
      REPLICATE_DOWNLOAD_DIR: dirs.downloads,
      REPLICATE_MCP_INPUT_DIRS: dirs.inputs,
      ...env,
    },
  });
  transport.stderr?.on('data', (chunk) => stderr.push(chunk.toString('utf8')));
  const client = new Client({ name: `replicate-mcp-${name}`, version: '1.0.0' }, { capabilities: {} });
  const errors = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(transport);
  // listTools also makes the client cache every output schema, which callTool then validates against.
  const listed = await client.listTools();
  const tools = Object.fromEntries(listed.tools.map((t) => [t.name, t]));
  let closed = false;
  return {
    client,
    transport,
    tools,
    listed: listed.tools,
    dirs,
    errors,
    stderr: () => stderr.join(''),
    /** Whether a tool declares an argument (features added by later issues turn their cases on by this). */
    declares: (tool, argument) => Boolean(tools[tool]?.inputSchema?.properties?.[argument]),
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
      rmSync(dirs.root, { recursive: true, force: true });
    },
  };
}

/** Closes the session and asserts the server wrote nothing but JSON-RPC to stdout for its whole life. */
export async function closeAndAssertCleanStdout(session) {
  const { transport } = session;
  await session.close();
  assert.deepEqual(transport.strayLines, [], `the server wrote lines to stdout that are not JSON-RPC:\n${transport.strayLines.join('\n')}`);
}

/**
 * Calls a tool through `client.callTool`, which validates structuredContent against the tool's outputSchema.
 * Asserts a successful tool result (not isError) with structuredContent; returns the result.
 */
export async function callOk(session, name, args, options) {
  let result;
  try {
    result = await session.client.callTool({ name, arguments: args }, undefined, options);
  } catch (error) {
    throw new assert.AssertionError({ message: `${name}(${JSON.stringify(args)}): the client rejected the answer: ${error.message}` });
  }
  const text = textOf(result);
  assert.notEqual(result.isError, true, `${name}(${JSON.stringify(args)}) answered isError: ${text}`);
  assert.ok(result.structuredContent && typeof result.structuredContent === 'object', `${name}: no structuredContent`);
  assert.ok(text.length > 0, `${name}: no text content`);
  return result;
}

/**
 * Calls a tool expecting a tool result with isError (never a JSON-RPC error), whose text contains `field`
 * (a string, or several: the field and the value given).
 * Returns the error text.
 */
export async function callRefused(session, name, args, field) {
  let result;
  try {
    result = await session.client.callTool({ name, arguments: args });
  } catch (error) {
    const kind = error instanceof McpError ? `a JSON-RPC error ${error.code}` : 'an exception';
    throw new assert.AssertionError({ message: `${name}(${JSON.stringify(args)}): ${kind} where a tool result with isError was due: ${error.message}` });
  }
  const text = textOf(result);
  assert.equal(result.isError, true, `${name}(${JSON.stringify(args)}) was accepted; expected isError naming ${field}. Answer: ${text.slice(0, 300)}`);
  for (const needle of [field ?? []].flat()) {
    assert.ok(text.includes(needle), `${name}(${JSON.stringify(args)}): the error does not name ${JSON.stringify(needle)}: ${text}`);
  }
  return text;
}

export function textOf(result) {
  return (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

/** Resolves a local `$ref` ("#/$defs/X") inside a tool's schema. */
export function deref(root, schema) {
  let s = schema;
  for (let i = 0; s && typeof s.$ref === 'string' && i < 10; i++) {
    s = s.$ref.replace(/^#\//, '').split('/').reduce((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], root);
  }
  return s;
}

/** The server command wrapped in `setsid sh -c`, so its pid is its process group's id (how clients start servers). */
export function shellWrapped() {
  const { command, args } = serverCommand();
  const quoted = [command, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
  return { command: 'setsid', args: ['sh', '-c', quoted] };
}

/** Kills a shellWrapped server's whole process group (sh and the server) with SIGKILL; does not wait for anything to exit. */
export function killGroup(session) {
  const { pid } = session.transport;
  // pid is null once the client closed: `kill(-0)` would be this test's own group.
  assert.ok(Number.isInteger(pid) && pid > 0, 'the server has no process to kill');
  process.kill(-pid, 'SIGKILL');
}
