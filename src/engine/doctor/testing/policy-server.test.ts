import { afterEach, describe, expect, it } from 'vitest';
import { etagOf, startPolicyServer, type PolicyServer } from './policy-server';

const auth = { Authorization: `Basic ${Buffer.from('tskey-api-test:').toString('base64')}` };
let server: PolicyServer | undefined;
afterEach(async () => server?.stop());

describe('policy test server', () => {
  it('serves the policy with an ETag that is a hash of the body', async () => {
    server = await startPolicyServer({ policy: '{"a":1}' });
    const res = await fetch(`${server.url}/api/v2/tailnet/-/acl`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(etagOf('{"a":1}'));
    expect(await res.text()).toBe('{"a":1}');
  });

  it('accepts a POST only with the current ETag and then changes the ETag', async () => {
    server = await startPolicyServer({ policy: '{}' });
    const url = `${server.url}/api/v2/tailnet/-/acl`;
    const stale = await fetch(url, { method: 'POST', headers: { ...auth, 'If-Match': '"old"' }, body: '{"x":1}' });
    expect(stale.status).toBe(412);
    expect(server.policy).toBe('{}');
    const ok = await fetch(url, { method: 'POST', headers: { ...auth, 'If-Match': etagOf('{}') }, body: '{"x":1}' });
    expect(ok.status).toBe(200);
    expect(server.policy).toBe('{"x":1}');
    expect(server.etag).toBe(etagOf('{"x":1}'));
  });

  it('refuses a wrong API key', async () => {
    server = await startPolicyServer({ policy: '{}' });
    const res = await fetch(`${server.url}/api/v2/tailnet/-/acl`, { headers: { Authorization: 'Basic eDo=' } });
    expect(res.status).toBe(401);
  });
});
