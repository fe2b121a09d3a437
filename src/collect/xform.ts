// The FMR and FMS forms as ODK XForms (https://getodk.github.io/xforms-spec/), generated from
// Marz's own definitions: the FMR columns, codes and value labels of src/flows/format.ts, the
// user's flow monitoring points, and the survey questions configured in the database. Instance
// elements carry Marz's canonical field names (docs/FLOW-FORMAT.md) and meta/instanceID, so a
// submission maps onto a Marz record by name. Labels are given in English and Persian (itext);
// dates use the "persian" appearance, which shows a Jalali calendar in ODK Collect.
import { createHash } from 'node:crypto';
import {
  COUNTRIES,
  EXTRA_NATIONALITIES,
  FMR_COLUMN_BY_KEY,
  VALUE_LABELS,
  DIRECTIONS,
  DEPORTED_VALUES,
  TRANSPORT_MODES,
  REASON_CODES,
  COUNT_FIELDS,
  VULNERABILITY_FIELDS,
  type Label,
} from '../flows/format.ts';
import type { Question } from '../flows/survey.ts';

export const FMR_FORM_ID = 'marz_fmr';
export const FMS_FORM_ID = 'marz_fms';
export type FormId = typeof FMR_FORM_ID | typeof FMS_FORM_ID;

export interface FmpChoice {
  code: string;
  name_en: string;
  name_fa: string;
}

export interface GeneratedForm {
  formId: FormId;
  title: Label;
  xml: string;
  /** Changes whenever the form's content changes (Collect compares it to offer updates). */
  version: string;
  /** md5 of the XML, as OpenRosa's form list gives it. */
  hash: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Countries most seen at Iran's borders first, then the rest by English name. */
const FIRST_COUNTRIES = ['AFG', 'IRN', 'IRQ', 'PAK', 'TUR', 'AZE', 'ARM', 'TKM'];
function countryChoices(withExtra: boolean): { value: string; label: Label }[] {
  const rest = [...COUNTRIES.values()].filter((c) => !FIRST_COUNTRIES.includes(c.a3)).sort((a, b) => a.en.localeCompare(b.en));
  const list = [...FIRST_COUNTRIES.map((a3) => COUNTRIES.get(a3)!).filter(Boolean), ...rest, ...(withExtra ? [...EXTRA_NATIONALITIES.values()] : [])];
  return list.map((c) => ({ value: c.a3, label: { en: c.en, fa: c.fa } }));
}

/** Builds one form: fields in order, each with its bind and body control; itext in both languages. */
class FormBuilder {
  private texts: { id: string; label: Label }[] = [];
  private binds: string[] = [];
  private body: string[] = [];
  private openGroups: string[] = [];
  private instance: string[] = [];

  constructor(
    private readonly formId: FormId,
    private readonly title: Label,
  ) {}

  private text(id: string, label: Label) {
    this.texts.push({ id, label });
    return `<label ref="jr:itext('${esc(id)}')"/>`;
  }

  private hintText(id: string, hint: Label | undefined) {
    if (!hint) return '';
    this.texts.push({ id, label: hint });
    return `<hint ref="jr:itext('${esc(id)}')"/>`;
  }

  field(
    path: string,
    o: {
      type: string;
      label: Label;
      hint?: Label;
      required?: boolean;
      constraint?: string;
      constraintMessage?: Label;
      relevant?: string;
      control: 'input' | 'select1' | 'select';
      appearance?: string;
      choices?: { value: string; label: Label }[];
    },
  ) {
    const ref = `/data/${path}`;
    this.instance.push(path);
    const attrs = [`nodeset="${ref}"`, `type="${o.type}"`];
    if (o.required) attrs.push('required="true()"');
    if (o.constraint) attrs.push(`constraint="${esc(o.constraint)}"`);
    if (o.constraintMessage) {
      this.texts.push({ id: `${ref}:constraintMsg`, label: o.constraintMessage });
      attrs.push(`jr:constraintMsg="jr:itext('${ref}:constraintMsg')"`);
    }
    if (o.relevant) attrs.push(`relevant="${esc(o.relevant)}"`);
    this.binds.push(`<bind ${attrs.join(' ')}/>`);
    const app = o.appearance ? ` appearance="${o.appearance}"` : '';
    const parts = [this.text(`${ref}:label`, o.label), this.hintText(`${ref}:hint`, o.hint)];
    for (const c of o.choices ?? []) parts.push(`<item>${this.text(`${ref}/${c.value}:label`, c.label)}<value>${esc(c.value)}</value></item>`);
    this.body.push(`<${o.control} ref="${ref}"${app}>${parts.join('')}</${o.control}>`);
  }

  group(path: string, label: Label, relevant?: string) {
    const ref = `/data/${path}`;
    this.instance.push(path + '/');
    if (relevant) this.binds.push(`<bind nodeset="${ref}" relevant="${esc(relevant)}"/>`);
    this.body.push(`<group ref="${ref}">${this.text(`${ref}:label`, label)}`);
    this.openGroups.push(path);
  }

  endGroup() {
    this.openGroups.pop();
    this.body.push('</group>');
  }

  build(): GeneratedForm {
    // The instance: nested elements from the field paths (groups end with '/').
    const tree: Record<string, any> = {};
    for (const p of this.instance) {
      let node = tree;
      for (const part of p.replace(/\/$/, '').split('/')) node = node[part] ??= {};
    }
    const render = (node: Record<string, any>): string => Object.entries(node).map(([k, v]) => (Object.keys(v).length ? `<${k}>${render(v)}</${k}>` : `<${k}/>`)).join('');
    const translation = (lang: 'en' | 'fa', name: string, isDefault: boolean) =>
      `<translation lang="${name}"${isDefault ? ' default="true()"' : ''}>${this.texts.map((t) => `<text id="${esc(t.id)}"><value>${esc(t.label[lang])}</value></text>`).join('')}</translation>`;
    const content = [
      `<itext>${translation('en', 'English (en)', true)}${translation('fa', 'Persian (fa)', false)}</itext>`,
      `<instance><data id="${this.formId}" version="VERSION">${render(tree)}<meta><instanceID/><instanceName/></meta></data></instance>`,
      ...this.binds,
      '<bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>',
    ];
    const bodyXml = this.body.join('');
    // The version is a digest of everything but itself.
    const version = createHash('sha256').update(content.join('') + bodyXml).digest('hex').slice(0, 12);
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:ev="http://www.w3.org/2001/xml-events" ' +
      'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" xmlns:odk="http://www.opendatakit.org/xforms">\n' +
      `<h:head><h:title>${esc(this.title.en)} · ${esc(this.title.fa)}</h:title><model odk:xforms-version="1.0.0">` +
      content.join('').replace('version="VERSION"', `version="${version}"`) +
      '</model></h:head>\n' +
      `<h:body>${bodyXml}</h:body>\n</h:html>\n`;
    return { formId: this.formId, title: this.title, xml, version, hash: 'md5:' + createHash('md5').update(xml).digest('hex') };
  }
}

const label = (key: string): Label => FMR_COLUMN_BY_KEY.get(key as any)!.label;
const valueChoices = (values: readonly string[], labels: Record<string, Label>) => values.map((v) => ({ value: v, label: labels[v] }));
const NOT_NEGATIVE = '. >= 0';
const MSG_NOT_NEGATIVE: Label = { en: 'A number of 0 or more.', fa: 'عددی برابر با صفر یا بیشتر.' };
const MSG_DATE: Label = { en: 'The date cannot be in the future.', fa: 'تاریخ نمی‌تواند در آینده باشد.' };

/** The Flow Monitoring Registry form: one group crossing an FMP. */
export function fmrXForm(fmps: FmpChoice[]): GeneratedForm {
  const f = new FormBuilder(FMR_FORM_ID, { en: 'Marz — flow monitoring registry (FMR)', fa: 'مرز — ثبت پایش جریان' });
  f.field('fmp', { type: 'string', label: label('fmp'), required: true, control: 'select1', choices: fmps.map((x) => ({ value: x.code, label: { en: x.name_en, fa: x.name_fa } })) });
  f.field('date', { type: 'date', label: label('date'), required: true, control: 'input', appearance: 'persian', constraint: '. <= today()', constraintMessage: MSG_DATE });
  f.field('time', { type: 'time', label: label('time'), control: 'input' });
  f.field('direction', { type: 'string', label: label('direction'), required: true, control: 'select1', choices: valueChoices(DIRECTIONS, VALUE_LABELS.direction) });
  f.field('nationality', { type: 'string', label: label('nationality'), required: true, control: 'select1', appearance: 'autocomplete', choices: countryChoices(true) });
  for (const k of COUNT_FIELDS) f.field(k, { type: 'int', label: label(k), required: true, control: 'input', constraint: NOT_NEGATIVE, constraintMessage: MSG_NOT_NEGATIVE });
  // The group has at least one person (Marz's group_empty rule), checked on the last count.
  f.field('deported', { type: 'string', label: label('deported'), required: true, control: 'select1', choices: valueChoices(DEPORTED_VALUES, VALUE_LABELS.deported), constraint: '../men + ../women + ../boys + ../girls >= 1', constraintMessage: { en: 'The group has no people: give at least one man, woman, boy or girl.', fa: 'گروه هیچ نفری ندارد: دست‌کم یک مرد، زن، پسر یا دختر وارد کنید.' } });
  f.field('transport', { type: 'string', label: label('transport'), control: 'select1', choices: valueChoices(TRANSPORT_MODES, VALUE_LABELS.transport) });
  f.field('reasons', { type: 'string', label: label('reasons'), control: 'select', choices: valueChoices(REASON_CODES, VALUE_LABELS.reasons) });
  f.field('origin_country', { type: 'string', label: label('origin_country'), control: 'select1', appearance: 'autocomplete', choices: countryChoices(false) });
  f.field('origin_admin1', { type: 'string', label: label('origin_admin1'), control: 'input', relevant: "../origin_country != ''", hint: { en: 'An ISO 3166-2 code such as IR-23, or a name.', fa: 'کد ISO 3166-2 مانند IR-23، یا نام استان.' } });
  f.field('destination_country', { type: 'string', label: label('destination_country'), control: 'select1', appearance: 'autocomplete', choices: countryChoices(false) });
  f.field('destination_admin1', { type: 'string', label: label('destination_admin1'), control: 'input', relevant: "../destination_country != ''", hint: { en: 'An ISO 3166-2 code such as AF-HER, or a name.', fa: 'کد ISO 3166-2 مانند AF-HER، یا نام استان.' } });
  const limits: Record<string, string> = {
    uasc: '../boys + ../girls',
    pregnant_lactating: '../women + ../girls',
    elderly: '../men + ../women',
    disabled: '../men + ../women + ../boys + ../girls',
    medical: '../men + ../women + ../boys + ../girls',
  };
  for (const k of VULNERABILITY_FIELDS)
    f.field(k, { type: 'int', label: label(k), control: 'input', constraint: `. >= 0 and . <= ${limits[k]}`, constraintMessage: { en: 'Between 0 and the people of the group it can include.', fa: 'بین صفر و تعداد افرادی از گروه که می‌تواند در بر بگیرد.' } });
  f.field('enumerator', { type: 'string', label: label('enumerator'), control: 'input', constraint: 'string-length(.) <= 100' });
  f.field('note', { type: 'string', label: label('note'), control: 'input', appearance: 'multiline', constraint: 'string-length(.) <= 2000' });
  return f.build();
}

export const FMS_LABELS = {
  consent: { en: 'The person agrees to be interviewed', fa: 'فرد با مصاحبه موافق است' },
  consentNo: { en: 'Without consent there is no interview: count the refusal in Marz\'s survey page.', fa: 'بدون رضایت مصاحبه‌ای انجام نمی‌شود: امتناع را در صفحه پیمایش مرز بشمارید.' },
  sex: { en: 'Sex', fa: 'جنسیت' },
  age: { en: 'Age', fa: 'سن' },
  ageMsg: { en: 'The survey interviews adults (18 to 120).', fa: 'پیمایش با بزرگسالان (۱۸ تا ۱۲۰ سال) انجام می‌شود.' },
  answers: { en: 'Questions', fa: 'پرسش‌ها' },
  yes: { en: 'Yes', fa: 'بله' },
  no: { en: 'No', fa: 'خیر' },
  refused: { en: 'Refused to answer', fa: 'از پاسخ امتناع کرد' },
  male: { en: 'Male', fa: 'مرد' },
  female: { en: 'Female', fa: 'زن' },
  other: { en: 'Other', fa: 'سایر' },
} satisfies Record<string, Label>;

/** The Flow Monitoring Survey form: one interview, with the active questions under answers/. */
export function fmsXForm(fmps: FmpChoice[], questions: Question[]): GeneratedForm {
  const f = new FormBuilder(FMS_FORM_ID, { en: 'Marz — flow monitoring survey (FMS)', fa: 'مرز — پیمایش پایش جریان' });
  f.field('consent', { type: 'string', label: FMS_LABELS.consent, required: true, control: 'select1', choices: [{ value: 'yes', label: FMS_LABELS.yes }, { value: 'no', label: FMS_LABELS.no }], constraint: ". = 'yes'", constraintMessage: FMS_LABELS.consentNo });
  f.field('fmp', { type: 'string', label: label('fmp'), required: true, control: 'select1', choices: fmps.map((x) => ({ value: x.code, label: { en: x.name_en, fa: x.name_fa } })) });
  f.field('date', { type: 'date', label: label('date'), required: true, control: 'input', appearance: 'persian', constraint: '. <= today()', constraintMessage: MSG_DATE });
  f.field('direction', { type: 'string', label: label('direction'), required: true, control: 'select1', choices: valueChoices(DIRECTIONS, VALUE_LABELS.direction) });
  f.field('sex', { type: 'string', label: FMS_LABELS.sex, required: true, control: 'select1', choices: (['male', 'female', 'other'] as const).map((v) => ({ value: v, label: FMS_LABELS[v] })) });
  f.field('age', { type: 'int', label: FMS_LABELS.age, required: true, control: 'input', constraint: '. >= 18 and . <= 120', constraintMessage: FMS_LABELS.ageMsg });
  f.field('nationality', { type: 'string', label: label('nationality'), required: true, control: 'select1', appearance: 'autocomplete', choices: countryChoices(true) });
  f.group('answers', FMS_LABELS.answers);
  for (const q of [...questions].sort((a, b) => a.position - b.position || a.code.localeCompare(b.code))) {
    const base = { label: { en: q.text_en, fa: q.text_fa }, required: q.required };
    const path = `answers/${q.code}`;
    const options = q.options.map((o) => ({ value: o.code, label: { en: o.en, fa: o.fa } }));
    switch (q.kind) {
      case 'single':
        f.field(path, { ...base, type: 'string', control: 'select1', choices: options });
        break;
      case 'multi':
        f.field(path, { ...base, type: 'string', control: 'select', choices: options });
        break;
      case 'number':
        f.field(path, { ...base, type: 'decimal', control: 'input' });
        break;
      case 'country':
        f.field(path, { ...base, type: 'string', control: 'select1', appearance: 'autocomplete', choices: countryChoices(false) });
        break;
      case 'yes_no_refused':
        f.field(path, { ...base, type: 'string', control: 'select1', choices: (['yes', 'no', 'refused'] as const).map((v) => ({ value: v, label: FMS_LABELS[v] })) });
        break;
      default:
        f.field(path, { ...base, type: 'string', control: 'input' });
    }
  }
  f.endGroup();
  f.field('enumerator', { type: 'string', label: label('enumerator'), control: 'input', constraint: 'string-length(.) <= 100' });
  return f.build();
}
