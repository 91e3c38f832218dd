// Smoke test of an installed replicate-mcp over stdio, the way an MCP client starts it: initialize, tools/list, one tools/call.
// Usage: node .ci/mcp-smoke.mjs COMMAND [ARGS...]   (the server is started with --simulate appended)
// Prints one line per step; exit 0 when initialize answered and every tool of the contract was listed.
// No npm packages: plain newline-delimited JSON-RPC, so it runs before (and without) the conformance suite's install.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const expectedTools = [
  "replicate_batch_start", "replicate_batch_status", "replicate_batch_cancel",
  "replicate_pipeline_start", "replicate_pipeline_status", "replicate_pipeline_cancel",
  "replicate_list_jobs", "replicate_get_model_schema", "replicate_search_models", "replicate_get_prediction",
];

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node .ci/mcp-smoke.mjs COMMAND [ARGS...]");
  process.exit(2);
}

const scratch = mkdtempSync(join(tmpdir(), "replicate-mcp-smoke-"));
const server = spawn(command, [...args, "--simulate"], {
  stdio: ["pipe", "pipe", "pipe"],
  env: {
    ...process.env,
    REPLICATE_MCP_STATE_DIR: join(scratch, "state"),
    REPLICATE_DOWNLOAD_DIR: join(scratch, "downloads"),
    REPLICATE_MCP_LOG_LEVEL: "Warning",
  },
});
let stderr = "";
server.stderr.on("data", (chunk) => { stderr += chunk; });

const pending = new Map();
createInterface({ input: server.stdout }).on("line", (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    fail(`stdout carried a line that is not JSON-RPC: ${line.slice(0, 200)}`);
  }
  const waiter = pending.get(message.id);
  if (waiter) {
    pending.delete(message.id);
    waiter(message);
  }
});
server.on("exit", (code, signal) => {
  if (pending.size > 0) fail(`server exited (code ${code}, signal ${signal}) before answering`);
});

let nextId = 1;
function request(method, params) {
  const id = nextId++;
  const started = performance.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => fail(`no answer to ${method} within 20 s`), 20_000);
    pending.set(id, (message) => {
      clearTimeout(timer);
      if (message.error) fail(`${method} answered with error ${JSON.stringify(message.error)}`);
      resolve({ result: message.result, ms: performance.now() - started });
    });
    server.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
  });
}

function fail(reason) {
  console.error(`mcp smoke: FAILED: ${reason}`);
  if (stderr.trim()) console.error(`server stderr:\n${stderr.trim().slice(-2000)}`);
  server.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
  process.exit(1);
}

const init = await request("initialize", {
  protocolVersion: "2025-06-18",
  capabilities: {},
  clientInfo: { name: "replicate-mcp-ci-smoke", version: "1.0" },
});
console.log(`initialize: ${init.result.serverInfo?.name} ${init.result.serverInfo?.version} in ${init.ms.toFixed(0)} ms; ` +
  `capabilities: ${Object.keys(init.result.capabilities ?? {}).join(", ") || "none"}`);
if (!init.result.capabilities?.tools) fail("initialize advertises no tools capability (were the tools trimmed away?)");
server.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");

const list = await request("tools/list", {});
const names = (list.result.tools ?? []).map((t) => t.name);
console.log(`tools/list: ${names.length} tools in ${list.ms.toFixed(0)} ms`);
const missing = expectedTools.filter((name) => !names.includes(name));
if (missing.length > 0) fail(`tools missing from tools/list: ${missing.join(", ")}`);
const withoutSchema = list.result.tools.filter((t) => !t.inputSchema?.properties && t.name !== "replicate_list_jobs");
if (withoutSchema.length > 0) fail(`tools without input schema properties: ${withoutSchema.map((t) => t.name).join(", ")}`);

// One call end to end: argument binding, the tool method and result serialization all survive trimming.
const call = await request("tools/call", { name: "replicate_list_jobs", arguments: {} });
if (call.result.isError) fail(`replicate_list_jobs answered isError: ${JSON.stringify(call.result.content)}`);
if (!Array.isArray(call.result.structuredContent?.jobs)) fail(`replicate_list_jobs gave no jobs array: ${JSON.stringify(call.result).slice(0, 300)}`);
console.log(`tools/call replicate_list_jobs: ok in ${call.ms.toFixed(0)} ms`);

server.stdin.end(); // stdin EOF ends a stdio MCP server
const timer = setTimeout(() => fail("server did not exit within 10 s of stdin closing"), 10_000);
server.on("exit", () => {
  clearTimeout(timer);
  rmSync(scratch, { recursive: true, force: true });
  console.log("mcp smoke: ok");
});
