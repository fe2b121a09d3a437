// Issue 12.6 for governance: every refusal reads in the request's language. States, framework
// kinds and ministries are named in words (the same state names as the web app), codes and
// versions sit in bidi isolates (FSI … PDI), and no Persian message carries Latin letters
// outside an isolate or an ISO date. The test formats every governance message with every state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { addMessages, t } from '../platform/i18n/messages.ts';

addMessages(new URL('./locales/', import.meta.url));
const FA = JSON.parse(readFileSync(new URL('./locales/fa.json', import.meta.url), 'utf8')).errors as Record<string, string>;
const EN = JSON.parse(readFileSync(new URL('./locales/en.json', import.meta.url), 'utf8')).errors as Record<string, string>;
const WEB_FA = JSON.parse(readFileSync(new URL('../../web/src/features/governance/locales/fa.json', import.meta.url), 'utf8'));
const STATES = ['DRAFT', 'SHARED_WITH_FOCAL_POINTS', 'COMMENTS_ADDRESSED', 'INTERMINISTERIAL_VALIDATION', 'GOVERNMENT_APPROVED', 'PUBLISHED'];

function assertPersian(message: string, context: string) {
  const outside = message.replace(/\u2068[^\u2069]*\u2069/g, '');
  assert.doesNotMatch(outside, /[A-Za-z]/, `${context}: Latin letters outside an isolate in «${message}»`);
  const unquoted = message.replace(/«[^»]*»/g, '');
  assert.doesNotMatch(unquoted, /\d{4}-\d{2}-\d{2}/, `${context}: an ISO date in «${message}»`);
}

/** Parameters as the code passes them: raw state codes, framework codes, ministry codes and names. */
const params = (state: string) => ({
  status: state, from: state, to: STATES[(STATES.indexOf(state) + 1) % STATES.length], kind: 'assessment',
  code: 'SDG_10_7_2', version: '2026-01', id: 7, count: 3, max: 10, answer: 'MAYBE',
  allowed: 'YES, NO', allowed_en: 'YES (Yes), NO (No)', allowed_fa: '«بله»، «خیر»',
  ministries: 'MOI, MOFA', ministries_en: 'Ministry of Interior, Ministry of Foreign Affairs', ministries_fa: 'وزارت کشور، وزارت امور خارجه',
  agency: 3, reason: '/usr/bin/chromium not found', details: 'body',
});

test('every Persian governance message, with every state, reads without Latin letters or ISO dates', () => {
  assert.ok(Object.keys(FA).length >= 40);
  for (const key of Object.keys(FA)) {
    for (const state of STATES) assertPersian(t('fa', `errors.${key}`, params(state)), key);
  }
});

test('state changes are refused naming both states in words of the request language (the web app\'s state names)', () => {
  const fa = t('fa', 'errors.gov_transition_not_allowed', { from: 'DRAFT', to: 'PUBLISHED' });
  assert.ok(fa.includes(WEB_FA.governance?.status?.DRAFT ?? WEB_FA.status.DRAFT), fa);
  assert.ok(fa.includes('منتشرشده'), fa);
  const en = t('en', 'errors.gov_transition_not_allowed', { from: 'DRAFT', to: 'INTERMINISTERIAL_VALIDATION' });
  assert.equal(en, 'An assessment cannot move from "Draft (desk research)" to "Inter-ministerial validation".');
  for (const key of ['gov_not_editable', 'gov_wrong_status', 'gov_not_published']) {
    for (const state of STATES) {
      assert.doesNotMatch(t('en', `errors.${key}`, { status: state }), /[A-Z]{2,}_/, `${key} ${state} in English`);
      assert.doesNotMatch(t('fa', `errors.${key}`, { status: state }), /[A-Z]/, `${key} ${state} in Persian`);
    }
  }
  assert.match(t('fa', 'errors.gov_signoffs_pending', params('DRAFT')), /وزارت کشور، وزارت امور خارجه/);
  assert.match(t('en', 'errors.gov_objections', params('DRAFT')), /Ministry of Interior, Ministry of Foreign Affairs/);
});

test('reports and exports name the states with the web app\'s words', () => {
  for (const lang of ['en', 'fa'] as const) {
    const web = JSON.parse(readFileSync(new URL(`../../web/src/features/governance/locales/${lang}.json`, import.meta.url), 'utf8')).governance.status;
    for (const s of STATES) assert.equal(t(lang, `governance.status.${s}`), web[s], `${lang} ${s}`);
  }
});

test('every governance message exists in both languages', () => {
  assert.deepEqual(Object.keys(FA).sort(), Object.keys(EN).sort());
});
