// The Content-Security-Policy a host derives from a view resource's _meta.ui.csp (MCP Apps spec; the same
// directives as the reference host in ext-apps, without 'unsafe-eval', which the view must not need).
export function hostCsp(csp = {}) {
  const clean = (list) => (Array.isArray(list) ? list : []).filter((d) => typeof d === 'string' && !/[;\r\n'" ]/.test(d));
  const resources = clean(csp.resourceDomains).join(' ');
  const connect = clean(csp.connectDomains).join(' ');
  const frames = clean(csp.frameDomains).join(' ');
  return [
    "default-src 'none'",
    `script-src 'unsafe-inline' ${resources}`.trim(),
    `style-src 'unsafe-inline' ${resources}`.trim(),
    `img-src data: blob: ${resources}`.trim(),
    `font-src data: blob: ${resources}`.trim(),
    `media-src data: blob: ${resources}`.trim(),
    `connect-src ${connect || "'none'"}`,
    frames ? `frame-src ${frames}` : "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ');
}
