// The generated XForms and Collect's QR settings, without a database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmrXForm, fmsXForm } from './xform.ts';
import { collectSettings, decodeSettings, encodeSettings } from './qr.ts';
import { fmrRow, parseSubmission } from './submission.ts';
import { odkEngine } from './odk-engine.ts';
import type { Question } from '../flows/survey.ts';

const FMPS = [
  { code: 'dogharoun', name_en: 'Dogharoun', name_fa: 'دوغارون' },
  { code: 'milak', name_en: 'Milak', name_fa: 'میلک' },
];

test('the FMR form: canonical element names, meta/instanceID, both languages, Jalali date appearance', () => {
  const f = fmrXForm(FMPS);
  for (const name of ['fmp', 'date', 'direction', 'nationality', 'men', 'women', 'boys', 'girls', 'deported', 'transport', 'reasons', 'origin_country', 'uasc', 'enumerator']) {
    assert.match(f.xml, new RegExp(`<${name}/>`), name);
  }
  assert.match(f.xml, /<meta><instanceID\/><instanceName\/><\/meta>/);
  assert.match(f.xml, /jr:preload="uid"/);
  assert.match(f.xml, /<translation lang="English \(en\)" default="true\(\)">/);
  assert.match(f.xml, /<translation lang="Persian \(fa\)">/);
  assert.match(f.xml, /<value>دوغارون<\/value>/);
  assert.match(f.xml, /<value>خروجی<\/value>/);
  assert.match(f.xml, /<input ref="\/data\/date" appearance="persian">/);
  assert.match(f.xml, /<data id="marz_fmr" version="[0-9a-f]{12}">/);
  assert.match(f.hash, /^md5:[0-9a-f]{32}$/);
});

test('a form changes version and hash when its choices change, and only then', () => {
  const a = fmrXForm(FMPS);
  assert.equal(fmrXForm(FMPS).version, a.version);
  assert.equal(fmrXForm(FMPS).hash, a.hash);
  const b = fmrXForm(FMPS.slice(0, 1));
  assert.notEqual(b.version, a.version);
  assert.notEqual(b.hash, a.hash);
});

test('the FMS form puts the configured questions under answers/, typed by kind', async () => {
  let position = 0;
  const q = (code: string, kind: string, options: Question['options'] = []): Question => ({ code, module: 'profile', kind, options, text_en: `Q ${code}`, text_fa: `پرسش ${code}`, required: false, position: ++position, active: true });
  const f = fmsXForm(FMPS, [q('education', 'single', [{ code: 'none', en: 'None', fa: 'هیچ' }]), q('needs', 'multi', [{ code: 'food', en: 'Food', fa: 'غذا' }]), q('income', 'number'), q('ct_forced', 'yes_no_refused')]);
  assert.match(f.xml, /<answers><education\/><needs\/><income\/><ct_forced\/><\/answers>/);
  assert.match(f.xml, /<select1 ref="\/data\/answers\/education">/);
  assert.match(f.xml, /<select ref="\/data\/answers\/needs">/);
  assert.match(f.xml, /nodeset="\/data\/answers\/income" type="decimal"/);
  const { createInstance } = await odkEngine();
  const { root } = (await createInstance(f.xml, {})) as any;
  assert.equal(root.languages.length, 2, 'ODK\'s engine reads the form with both languages');
});

test('Collect\'s QR settings: zlib + base64 of the settings JSON, read back the same', () => {
  const s = collectSettings('https://marz.example/api/collect/key/abc');
  const payload = encodeSettings(s);
  assert.match(payload, /^[A-Za-z0-9+/]+=*$/);
  assert.equal(Buffer.from(payload, 'base64')[0], 0x78, 'a zlib stream');
  assert.deepEqual(decodeSettings(payload), s);
  assert.equal(s.general.server_url, 'https://marz.example/api/collect/key/abc');
  assert.deepEqual(Object.keys(s).sort(), ['admin', 'general', 'project']);
});

test('a submission maps onto Marz\'s row by name; its instanceID becomes the record id', () => {
  const xml = `<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" id="marz_fmr" version="1"><fmp>dogharoun</fmp><date>2025-07-06</date><time>08:12:00.000+03:30</time><direction>out</direction><nationality>AFG</nationality><men>1</men><women>1</women><boys>3</boys><girls>1</girls><deported>no</deported><reasons>return_home economic</reasons><note>زائران &amp; خانواده</note><meta><instanceID>uuid:A7F76BA5-3C42-409B-8B57-8CFCFA3C634E</instanceID></meta></data>`;
  const p = parseSubmission(xml);
  const row = fmrRow(p);
  assert.equal(row.id, 'a7f76ba5-3c42-409b-8b57-8cfcfa3c634e');
  assert.equal(row.time, '08:12');
  assert.equal(row.reasons, 'return_home;economic');
  assert.equal(row.note, 'زائران & خانواده');
  assert.equal(row.origin_country, '');
  assert.throws(() => parseSubmission(xml.replace('marz_fmr', 'other_form')), /collect_unknown_form/);
  assert.throws(() => parseSubmission(xml.replace(/<meta>.*<\/meta>/, '')), /collect_no_instance_id/);
  assert.throws(() => parseSubmission('<data id="marz_fmr"><fmp>a\u0000</fmp></data>'), /collect_bad_xml/);
});
