// Test helper: ODK's own XForms engine (@getodk/xforms-engine, the engine of ODK Web Forms) in
// Node. It needs a DOM (jsdom, as ODK tests it in Node) and, for its XPath parser's WebAssembly
// loader, the CommonJS globals an ES module lacks.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

let loaded: Promise<typeof import('@getodk/xforms-engine')> | null = null;

export function odkEngine() {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@getodk/xforms-engine'));
    const jsdom: any = await import('jsdom' as string); // no type declarations needed for this one use
    const w = new jsdom.JSDOM('').window;
    const g = globalThis as any;
    for (const k of ['DOMParser', 'XMLSerializer', 'Node', 'Element', 'Document', 'XPathResult', 'Attr', 'Text', 'NodeFilter', 'document']) g[k] ??= w[k];
    g.__dirname ??= dist + '/';
    g.__filename ??= dist + '/index.js';
    g.require ??= createRequire(dist + '/index.js');
    // The built engine (a 'development' export condition would point at its TypeScript sources).
    return (await import(pathToFileURL(dist + '/index.js').href)) as typeof import('@getodk/xforms-engine');
  })();
  return loaded;
}

/** Every value node of a form instance, by its path (/data/men, /data/answers/education…). */
export function nodesByPath(root: any): Map<string, any> {
  const out = new Map<string, any>();
  const walk = (n: any) => {
    for (const c of n.currentState.children ?? []) {
      if (c.currentState.reference) out.set(c.currentState.reference, c);
      if (c.currentState.children) walk(c);
    }
  };
  walk(root);
  return out;
}

/** Fills a form as an enumerator would (values by path; arrays for select_multiple) and returns the instance XML the engine would submit. */
export async function fillForm(xml: string, values: Record<string, string | number | string[]>, language?: string) {
  const { createInstance } = await odkEngine();
  const { root } = (await createInstance(xml, {})) as any;
  if (language) root.setLanguage(root.languages.find((l: any) => l.language === language));
  const nodes = nodesByPath(root);
  for (const [path, value] of Object.entries(values)) {
    const n = nodes.get(path);
    if (!n) throw new Error(`no node ${path} in the form`);
    if (n.nodeType === 'select') {
      if (Array.isArray(value)) n.selectValues(value);
      else n.selectValue(String(value));
    } else n.setValue(value as any);
  }
  const payload = await root.prepareInstancePayload();
  const file = payload.data[0].get('xml_submission_file') as File;
  return { root, nodes, status: payload.status as string, violations: payload.violations, instanceXml: await file.text() };
}

/** A multipart/form-data body as ODK Collect sends a submission. */
export function multipartSubmission(instanceXml: string) {
  const boundary = '----marz' + Math.random().toString(16).slice(2);
  const body =
    `--${boundary}\r\nContent-Disposition: form-data; name="xml_submission_file"; filename="submission.xml"\r\nContent-Type: text/xml\r\n\r\n` +
    instanceXml +
    `\r\n--${boundary}--\r\n`;
  return { payload: Buffer.from(body, 'utf8'), headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-openrosa-version': '1.0' } };
}
