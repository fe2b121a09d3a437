import { test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseError } from './db-errors.ts';

test('database refusals of a value become 400/409 naming the column or constraint; other errors stay errors', () => {
  assert.deepEqual(databaseError({ code: '22003', routine: 'int4' }), { status: 400, code: 'bad_value', params: { detail: 'int4' } });
  assert.deepEqual(databaseError({ code: '23514', constraint: 'fmps_lat_check' }), { status: 400, code: 'bad_value', params: { detail: 'fmps_lat_check' } });
  assert.deepEqual(databaseError({ code: '23502', column: 'name_fa' }), { status: 400, code: 'bad_value', params: { detail: 'name_fa' } });
  assert.equal(databaseError({ code: '23505', constraint: 'agencies_code_key' })!.status, 409);
  assert.equal(databaseError({ code: '40P01' })!.code, 'retry');
  assert.equal(databaseError({ code: '42P01' }), null, 'an undefined table is a server bug');
  assert.equal(databaseError({ code: 'ECONNREFUSED' }), null);
  assert.equal(databaseError(new Error('x')), null);
});
