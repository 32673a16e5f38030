import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BootstrapError, ensurePondACL, MAX_ATTEMPTS, previewPondACL, type PolicyTarget } from './acl-bootstrap';
import { mergePondACLPolicy } from './acl-merge';
import { pondACLRowPresent } from './acl-policy';
import { etagOf, startPolicyServer, type PolicyServer } from './testing/policy-server';

const TAG = 'tag:cbx-pond-alice-pr-42';
const dir = path.join(__dirname, 'testdata/pond_acl');
let server: PolicyServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const target = (s: PolicyServer): PolicyTarget => ({ apiKey: 'tskey-api-test', apiURL: s.url, tailnet: '-' });
const yes = { consent: true };

/** Ten-plus policy shapes the bootstrap must handle end to end. */
const SHAPES: Record<string, string> = {
  'grants golden input': readFileSync(path.join(dir, 'grants.input.hujson'), 'utf8'),
  'acls golden input': readFileSync(path.join(dir, 'acls.input.hujson'), 'utf8'),
  grants: '{\n  "tagOwners": {"tag:ci": ["group:devs"]},\n  "grants": [{"src": ["*"], "dst": ["*"], "ip": ["*"]}]\n}\n',
  'legacy acls': '{\n  "acls": [\n    {"action": "accept", "src": ["*"], "dst": ["*:*"]},\n  ],\n}\n',
  neither: '{\n  "groups": {"group:ops": ["a@example.com"]}\n}\n',
  'compact one line': '{"tagOwners":{"tag:a":["autogroup:admin"]},"acls":[{"action":"accept","src":["*"],"dst":["*:*"]}]}',
  tabs: '{\n\t"tagOwners": {\n\t\t"tag:a": [],\n\t},\n\t"grants": [\n\t\t{"src": ["a"], "dst": ["b"], "ip": ["1"]},\n\t],\n}\n',
  'comments everywhere': '// head\n{ // open\n  /* a */ "tagOwners": { // owners\n    "tag:a": [], // a\n    // end owners\n  },\n  "grants": [ /* g */\n    {"src": ["a"], "dst": ["b"], "ip": ["1"]}, // g1\n\n    // closing\n  ], // after\n} // tail\n',
  'trailing commas': '{"tagOwners": {"tag:a": [],}, "grants": [{"src":["a"],"dst":["b"],"ip":["c"],},],}',
  crlf: '{\r\n  "tagOwners": {\r\n    "tag:a": [],\r\n  },\r\n  "acls": [\r\n    {"action": "accept", "src": ["*"], "dst": ["*:*"]},\r\n  ],\r\n}\r\n',
  'empty containers': '{\n  "tagOwners": {},\n  "grants": [ ]\n}\n',
  'owner present, access missing': `{"tagOwners": {"${TAG}": ["autogroup:admin"]}, "grants": []}`,
  'access present in a variant form, owner missing': `{"ACLs": [{"Action": "accept", "SRC": ["${TAG}"], "dst": ["${TAG}"]}]}`,
};

describe('ensurePondACL against a server with real ETags', () => {
  it.each(Object.entries(SHAPES))('installs the rows into %s with one conditional write', async (_name, policy) => {
    server = await startPolicyServer({ policy });
    const etag = server.etag;
    const result = await ensurePondACL(target(server), TAG, yes);
    expect(result.outcome).toBe('updated');
    expect(server.posts).toHaveLength(1);
    expect(server.posts[0]?.headers['if-match']).toBe(etag);
    expect(server.policy).toBe(mergePondACLPolicy(policy, TAG).text);
    expect(pondACLRowPresent(server.policy, TAG)).toBe(true);
    const again = await ensurePondACL(target(server), TAG, yes);
    expect(again.outcome).toBe('already-present');
    expect(server.posts).toHaveLength(1);
  });

  it('reads once and writes nothing when the rows are there (variant forms count)', async () => {
    server = await startPolicyServer({ policy: `{"tagOwners": {"${TAG}": []}, "Grants": [{"Src": ["${TAG}"], "DST": ["${TAG}"], "IP": ["tcp:443"]}]}` });
    expect((await ensurePondACL(target(server), TAG, yes)).outcome).toBe('already-present');
    expect(server.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('re-reads after a concurrent edit (412) and keeps the other edit', async () => {
    server = await startPolicyServer({
      policy: '{\n  "grants": [],\n}\n',
      afterGet: (s, count) => {
        if (count === 1) s.policy = '{\n  "grants": [],\n  "hosts": {"db": "100.64.0.9"},\n}\n';
      },
    });
    const result = await ensurePondACL(target(server), TAG, yes);
    expect(result).toMatchObject({ outcome: 'updated', attempts: 2 });
    expect(server.requests.map((r) => `${r.method} ${r.headers['if-match'] ?? ''}`)).toEqual([
      'GET ',
      `POST ${etagOf('{\n  "grants": [],\n}\n')}`,
      'GET ',
      `POST ${etagOf('{\n  "grants": [],\n  "hosts": {"db": "100.64.0.9"},\n}\n')}`,
    ]);
    expect(server.policy).toContain('"hosts": {"db": "100.64.0.9"}');
    expect(pondACLRowPresent(server.policy, TAG)).toBe(true);
  });

  it(`fails closed after ${MAX_ATTEMPTS} races with crabbox's message`, async () => {
    server = await startPolicyServer({ policy: '{}', afterGet: (s, count) => (s.policy = `{"edit": ${count}}`) });
    const error = await ensurePondACL(target(server), TAG, yes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BootstrapError);
    expect((error as BootstrapError).kind).toBe('conflict');
    expect((error as Error).message).toBe(
      'pond acl: ETag race persisted after 2 attempts: pond acl: tailnet policy changed during update (ETag mismatch)',
    );
    expect(server.posts).toHaveLength(2);
    expect(server.policy).toBe('{"edit": 2}');
  });

  it('never calls the API without consent', async () => {
    server = await startPolicyServer({ policy: '{}' });
    await expect(ensurePondACL(target(server), TAG, { consent: false })).rejects.toMatchObject({ kind: 'consent-required' });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses to write a policy other than the one the user reviewed', async () => {
    server = await startPolicyServer({ policy: '{"grants": []}' });
    const preview = await previewPondACL(target(server), TAG);
    server.policy = '{"grants": [], "ssh": []}';
    const error = await ensurePondACL(target(server), TAG, { consent: true, expectedEtag: preview.etag }).catch((e: unknown) => e);
    expect((error as BootstrapError).kind).toBe('conflict');
    expect((error as Error).message).toContain('changed after it was reviewed');
    expect(server.posts).toHaveLength(0);
  });

  it('applies the reviewed change when the policy is still the same', async () => {
    server = await startPolicyServer({ policy: '{"grants": []}' });
    const preview = await previewPondACL(target(server), TAG);
    const result = await ensurePondACL(target(server), TAG, { consent: true, expectedEtag: preview.etag });
    expect(result.outcome).toBe('updated');
    expect(server.policy).toBe(preview.after);
  });

  it('wraps read errors and says when the control plane has no policy API', async () => {
    server = await startPolicyServer({ policy: '{}', status: 404 });
    const error = await ensurePondACL(target(server), TAG, yes).catch((e: unknown) => e);
    expect((error as BootstrapError).kind).toBe('unavailable');
    expect((error as Error).message).toBe(
      `pond acl: read policy: pond acl: auto-bootstrap unavailable on this control plane: GET ${server.url}/api/v2/tailnet/-/acl returned 404`,
    );
  });

  it('is unavailable when the server sends no ETag', async () => {
    server = await startPolicyServer({ policy: '{}', omitETag: true });
    await expect(ensurePondACL(target(server), TAG, yes)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(server.posts).toHaveLength(0);
  });

  it('refuses a malformed policy without writing, offering the manual rows', async () => {
    server = await startPolicyServer({ policy: 'this is not json or hujson at all {{{' });
    const error = await ensurePondACL(target(server), TAG, yes).catch((e: unknown) => e);
    expect((error as BootstrapError).kind).toBe('policy');
    expect((error as Error).message).toContain('parse HuJSON');
    expect((error as BootstrapError).snippet).toContain(`"${TAG}": ["autogroup:admin"]`);
    expect(server.posts).toHaveLength(0);
  });

  it('reports a rejected write', async () => {
    server = await startPolicyServer({ policy: '{}', apiKey: 'tskey-api-test' });
    const error = await ensurePondACL({ ...target(server), apiKey: 'wrong' }, TAG, yes).catch((e: unknown) => e);
    expect((error as Error).message).toBe('pond acl: read policy: tailscale api 401: API token invalid');
  });
});

describe('previewPondACL', () => {
  it('shows the change as a diff without writing', async () => {
    const policy = readFileSync(path.join(dir, 'grants.input.hujson'), 'utf8');
    server = await startPolicyServer({ policy });
    const preview = await previewPondACL(target(server), TAG);
    expect(preview).toMatchObject({ tag: TAG, etag: etagOf(policy), shape: 'grants', alreadyPresent: false, before: policy });
    expect(preview.after).toBe(readFileSync(path.join(dir, 'grants.golden.hujson'), 'utf8'));
    expect(preview.diff).toContain(`+    "${TAG}": ["autogroup:admin"],\n`);
    expect(preview.diff).toContain(`+    {"src":["${TAG}"],"dst":["${TAG}"],"ip":["*"]},\n`);
    expect(preview.diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual([]);
    expect(server.posts).toHaveLength(0);
  });

  it('says when nothing needs to change', async () => {
    server = await startPolicyServer({ policy: `{"tagOwners": {"${TAG}": []}, "acls": [{"src": ["${TAG}"], "dst": ["${TAG}:*"]}]}` });
    expect(await previewPondACL(target(server), TAG)).toMatchObject({ alreadyPresent: true, diff: '' });
  });
});
