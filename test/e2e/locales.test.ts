// The web app's message catalogues: every locales folder (web/src/locales and
// web/src/features/*/locales) has en.json and fa.json with exactly the same keys, every
// message is valid ICU, and both languages use the same {arguments}. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { ROOT } from './harness.ts';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = '', out: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out[prefix + k] = v;
    else if (v && typeof v === 'object') flatten(v, prefix + k + '.', out);
    else out[prefix + k] = String(v);
  }
  return out;
}

// ICU AST element types (@formatjs/icu-messageformat-parser's TYPE enum).
const TYPE = { argument: 1, number: 2, date: 3, time: 4, select: 5, plural: 6, tag: 8 } as const;
type Element = { type: number; value?: string; options?: Record<string, { value: Element[] }>; children?: Element[] };

function parse(message: string): Element[] {
  return new IntlMessageFormat(message, 'en').getAst() as unknown as Element[];
}

function argumentsOf(elements: Element[], out = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) out.add(e.value!);
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      out.add(e.value!);
      for (const o of Object.values(e.options ?? {})) argumentsOf(o.value, out);
    }
    if (e.type === TYPE.tag) {
      out.add('<' + e.value + '>');
      argumentsOf(e.children ?? [], out);
    }
  }
  return out;
}

function localeDirs(): string[] {
  const web = join(ROOT, 'web/src');
  const dirs = [join(web, 'locales')];
  const features = join(web, 'features');
  if (existsSync(features)) {
    for (const f of readdirSync(features, { withFileTypes: true })) {
      if (f.isDirectory() && existsSync(join(features, f.name, 'locales'))) dirs.push(join(features, f.name, 'locales'));
    }
  }
  return dirs;
}

for (const dir of localeDirs()) {
  const rel = dir.slice(ROOT.length);
  test(`messages in ${rel}: en and fa have the same keys and arguments, all valid ICU`, () => {
    const read = (l: string) => flatten(JSON.parse(readFileSync(join(dir, `${l}.json`), 'utf8')));
    assert.ok(existsSync(join(dir, 'en.json')) && existsSync(join(dir, 'fa.json')), `${rel} needs en.json and fa.json`);
    const en = read('en');
    const fa = read('fa');
    const onlyEn = Object.keys(en).filter((k) => !(k in fa));
    const onlyFa = Object.keys(fa).filter((k) => !(k in en));
    assert.deepEqual({ missingInFa: onlyEn, missingInEn: onlyFa }, { missingInFa: [], missingInEn: [] });
    const problems: string[] = [];
    for (const key of Object.keys(en)) {
      let a: Set<string>, b: Set<string>;
      try {
        a = argumentsOf(parse(en[key]!));
        b = argumentsOf(parse(fa[key]!));
      } catch (e) {
        problems.push(`${key}: not valid ICU (${(e as Error).message})`);
        continue;
      }
      const sa = [...a].sort().join(','), sb = [...b].sort().join(',');
      if (sa !== sb) problems.push(`${key}: arguments differ (en: ${sa || '—'}; fa: ${sb || '—'})`);
      if (!fa[key]!.trim()) problems.push(`${key}: empty Persian text`);
    }
    assert.deepEqual(problems, []);
  });
}

test('feature message keys live under the feature id (no clashes between features)', () => {
  const features = join(ROOT, 'web/src/features');
  const clashes: string[] = [];
  for (const f of readdirSync(features, { withFileTypes: true })) {
    const file = join(features, f.name, 'locales', 'en.json');
    if (!f.isDirectory() || !existsSync(file)) continue;
    const top = Object.keys(JSON.parse(readFileSync(file, 'utf8')));
    for (const k of top) if (k !== f.name) clashes.push(`${f.name}/locales/en.json has top-level key "${k}" (expected "${f.name}")`);
  }
  assert.deepEqual(clashes, []);
});
