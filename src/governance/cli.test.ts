import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { governanceCommand } from './cli.ts';

function capture() {
  const logs: string[] = [];
  const errors: string[] = [];
  return { out: { log: (s: string) => logs.push(s), error: (s: string) => errors.push(s) }, logs, errors };
}

const complete = {
  PD_1: ['YES_ALL', 'YES_LEGAL_ONLY', 'NO', 'YES_ALL', 'YES_ALL'],
  PD_2: ['YES', 'NO', 'YES', 'YES', 'YES'],
  PD_3: ['YES', 'YES', 'YES', 'YES', 'YES'],
  PD_4: ['YES', 'NO', 'NO', 'YES', 'NO'],
  PD_5: ['NO', 'NO', 'NO', 'NO', 'NO'],
  PD_6: ['YES', 'YES', 'YES', 'YES', 'NO'],
};

describe('marz governance score-1072', () => {
  let dir = '';
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marz-governance-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('scores a complete file: prints the result JSON and exits 0', async () => {
    const c = capture();
    const code = await governanceCommand(['score-1072', file('ok.json', JSON.stringify(complete))], c.out);
    assert.equal(code, 0);
    assert.deepEqual(c.errors, []);
    assert.equal(c.logs.length, 1);
    assert.deepEqual(JSON.parse(c.logs[0]!), {
      domains: {
        PD_1: { value: 70, category: 2 },
        PD_2: { value: 80, category: 3 },
        PD_3: { value: 100, category: 4 },
        PD_4: { value: 40, category: 2 },
        PD_5: { value: 0, category: 1 },
        PD_6: { value: 80, category: 3 },
      },
      overall: { value: 61.67, category: 2 },
    });
  });

  test('accepts a UTF-8 byte-order mark', async () => {
    const c = capture();
    assert.equal(await governanceCommand(['score-1072', file('bom.json', '\uFEFF' + JSON.stringify(complete))], c.out), 0);
  });

  test('incomplete and invalid answers: names each item and exits 1', async () => {
    const bad = { ...complete, PD_3: ['YES', 'YES', 'YES', 'YES'], PD_1: ['YES_ALL', 'YES', 'NO', 'YES_ALL', 'YES_ALL'] } as Record<string, unknown>;
    delete bad.PD_6;
    const c = capture();
    const code = await governanceCommand(['score-1072', file('bad.json', JSON.stringify(bad))], c.out);
    assert.equal(code, 1);
    assert.deepEqual(c.logs, []);
    const msg = c.errors.join('\n');
    assert.match(msg, /not scored, 6 missing and 1 invalid item\(s\)/);
    assert.match(msg, /PD_1 item 2 \(PD_1_2\) has invalid value "YES"/);
    assert.match(msg, /PD_3 item 5 \(PD_3_5\) is missing/);
    for (let i = 1; i <= 5; i++) assert.match(msg, new RegExp(`PD_6_${i}\\b`));
  });

  test('a file that is not JSON exits 1', async () => {
    const c = capture();
    assert.equal(await governanceCommand(['score-1072', file('broken.json', '{"PD_1": [')], c.out), 1);
    assert.match(c.errors.join('\n'), /is not valid JSON/);
  });

  test('a missing file exits 1', async () => {
    const c = capture();
    assert.equal(await governanceCommand(['score-1072', path.join(dir, 'nope.json')], c.out), 1);
    assert.match(c.errors.join('\n'), /cannot read .*nope\.json: no such file/);
  });

  test('JSON that is not an answers object exits 1', async () => {
    const c = capture();
    assert.equal(await governanceCommand(['score-1072', file('array.json', '[1,2,3]')], c.out), 1);
    assert.match(c.errors.join('\n'), /answers must be an object/);
  });
});

describe('marz governance usage', () => {
  test('unknown subcommand prints usage and exits 2', async () => {
    const c = capture();
    assert.equal(await governanceCommand(['score-9999'], c.out), 2);
    assert.match(c.errors.join('\n'), /unknown governance command "score-9999"/);
    assert.match(c.errors.join('\n'), /usage: marz governance/);
  });

  test('no subcommand prints usage and exits 2; help exits 0', async () => {
    const c = capture();
    assert.equal(await governanceCommand([], c.out), 2);
    assert.match(c.errors.join('\n'), /usage:/);
    const h = capture();
    assert.equal(await governanceCommand(['help'], h.out), 0);
    assert.match(h.logs.join('\n'), /score-1072 FILE\.json/);
  });

  test('score-1072 without a file, or with two, exits 2', async () => {
    const c = capture();
    assert.equal(await governanceCommand(['score-1072'], c.out), 2);
    assert.match(c.errors.join('\n'), /needs exactly one FILE\.json/);
    const d = capture();
    assert.equal(await governanceCommand(['score-1072', 'a.json', 'b.json'], d.out), 2);
  });
});
