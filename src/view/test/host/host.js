// A minimal MCP Apps host for the browser tests, as a chat client would be: the official AppBridge talking to the
// view in a sandboxed iframe (scripts only, no same-origin) over PostMessageTransport. Tool calls and link openings
// from the view go to the test (Node) through functions puppeteer exposes on this page.
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';

let bridge;
let context;

window.mountView = async ({ viewUrl, hostContext, toolInput, toolResult }) => {
  document.body.replaceChildren();
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('title', 'job view');
  frame.style.cssText = 'width: 100%; height: 200px; border: 0; display: block;';
  document.body.append(frame);
  context = { ...hostContext };
  bridge = new AppBridge(null, { name: 'replicate-mcp view test host', version: '1' },
    { openLinks: {}, serverTools: {}, serverResources: {}, logging: {} }, { hostContext: context });
  bridge.oncalltool = (params) => window.hostCallTool(params);
  bridge.onopenlink = async (params) => { await window.hostOpenLink(params); return {}; };
  bridge.onsizechange = ({ height }) => { if (typeof height === 'number') frame.style.height = `${Math.ceil(height)}px`; };
  const initialized = new Promise((resolve) => { bridge.oninitialized = resolve; });
  await bridge.connect(new PostMessageTransport(frame.contentWindow, frame.contentWindow));
  frame.src = viewUrl;
  await initialized;
  if (toolInput) await bridge.sendToolInput({ arguments: toolInput });
  if (toolResult) await bridge.sendToolResult(toolResult);
};

window.sendToolResult = (result) => bridge.sendToolResult(result);

window.setTheme = async (theme) => {
  context = { ...context, theme };
  bridge.setHostContext(context);
};
