// Which server the Node suites start (tests/conformance, src/view/test): no dependencies, so any of them can import it.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

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
