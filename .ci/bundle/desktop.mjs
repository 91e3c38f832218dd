// Starts a bundled server the way Claude Desktop does: the manifest's mcp_config with ${__dirname}, the system folders
// and ${user_config.…} filled in by getMcpConfigForManifest from @anthropic-ai/mcpb, the code Claude Desktop itself uses.
//
// As a command: `node desktop.mjs command BUNDLE UNPACK_DIR` unpacks BUNDLE with `mcpb unpack` and prints the server
// command line ([command, ...args], JSON) for REPLICATE_MCP_SERVER_COMMAND, every optional setting left at its default.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getMcpConfigForManifest } from '@anthropic-ai/mcpb';

const here = dirname(fileURLToPath(import.meta.url));
const mcpbCli = join(here, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');

/** Runs the official mcpb CLI (through node: a .cmd shim cannot be spawned without a shell on Windows); returns its stdout. */
export function mcpb(...args) {
  return execFileSync(process.execPath, [mcpbCli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Unpacks the bundle with the official CLI (which restores the executable bit) and returns its manifest. */
export function unpack(bundle, dir) {
  mcpb('unpack', resolve(bundle), dir);
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}

/** The folders Claude Desktop offers as ${HOME}, ${DOWNLOADS}, …, under a throwaway home. */
export function systemDirs(home) {
  const dirs = { HOME: home, DESKTOP: join(home, 'Desktop'), DOCUMENTS: join(home, 'Documents'), DOWNLOADS: join(home, 'Downloads') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

/** { command, args, env } as Claude Desktop computes it for `userConfig` (what the settings form saved). */
export async function desktopConfig({ dir, manifest, userConfig, home }) {
  const config = await getMcpConfigForManifest({ manifest, extensionPath: dir, systemDirs: systemDirs(home), userConfig, pathSeparator: sep });
  if (!config) throw new Error(`Claude Desktop would not start the server with user_config ${JSON.stringify(Object.keys(userConfig ?? {}))}: a required setting is missing`);
  return { command: config.command, args: config.args ?? [], env: config.env ?? {} };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'command') {
  const [bundle, dir] = process.argv.slice(3);
  const manifest = unpack(bundle, dir);
  const { command, args } = await desktopConfig({ dir, manifest, userConfig: { api_token: 'set by each test' }, home: join(dir, '..', 'home') });
  console.log(JSON.stringify([command, ...args]));
}
