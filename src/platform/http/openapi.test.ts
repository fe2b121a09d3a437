import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { testDatabase, testApp } from '../testing.ts';

test('the OpenAPI description passes a standard validator and covers every route', async () => {
  const db = await testDatabase();
  const { app } = await testApp(db);
  try {
    const r = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(r.statusCode, 200);
    const doc = r.json();
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
    for (const path of ['/api/health', '/api/v1/places/provinces', '/api/v1/auth/sign-in', '/api/v1/users', '/api/v1/audit']) assert.ok(doc.paths[path], `${path} is described`);
    const health = await app.inject({ method: 'GET', url: '/api/health' });
    assert.deepEqual(Object.keys(health.json()).sort(), ['database', 'status', 'version']);
    assert.equal(health.json().database, db.engine);
  } finally {
    await app.close();
    await db.close();
  }
});
