// A bounded schemathesis run (PyPI `schemathesis`, installed by scripts/setup-test-tools.sh)
// against a demo server and its own OpenAPI document: generated requests, valid and invalid, as a
// system administrator, a counter clerk and a citizen, must never get a 5xx and every documented
// response must conform to its schema and content type.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo, DEMO_PASSWORD } from './harness.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function schemathesis() {
  const env = path.join(repoRoot, 'web', 'dist', 'tools.env');
  assert.ok(existsSync(env), 'web/dist/tools.env is missing: run bash scripts/setup-test-tools.sh');
  const line = readFileSync(env, 'utf8').split('\n').find((l) => l.startsWith('BDC_SCHEMATHESIS='));
  const st = line?.slice('BDC_SCHEMATHESIS='.length).trim();
  assert.ok(st && existsSync(st), `schemathesis not found (${st}): run bash scripts/setup-test-tools.sh`);
  return st;
}

let demo;
before(async () => {
  demo = await startDemo({ units: 200 });
});
after(() => demo?.stop());

for (const username of ['admin', 'chuangkou', 'geren']) {
  test(`schemathesis finds no 5xx and no schema violation as ${username}`, { timeout: 300_000 }, async () => {
    const st = schemathesis();
    const realm = username === 'geren' ? 'public' : 'staff';
    const token = (await demo.api('POST', '/api/v1/auth/login', null, { username, password: DEMO_PASSWORD, realm, mode: 'token' })).token;
    const reports = mkdtempSync(path.join(os.tmpdir(), 'bdc-st-'));
    const r = spawnSync(st, [
      'run', `${demo.base}/api/openapi.json`,
      '--checks', 'not_a_server_error,response_schema_conformance,content_type_conformance',
      '--max-examples', '6', '--seed', '20261202', '--workers', '1', '--max-time', '90',
      '--phases', 'examples,coverage,fuzzing',
      '--request-timeout', '15',
      // Logging out or changing the password would end the run's own session.
      '--exclude-path', '/api/v1/auth/logout', '--exclude-path', '/api/v1/auth/password',
      // Prometheus text exposition, not a JSON operation.
      '--exclude-path', '/metrics',
      '-H', `Authorization: Bearer ${token}`,
      '--no-color', '--report-dir', reports,
    ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, `schemathesis reported failures as ${username}:\n${out.slice(-20000)}`);
  });
}
