import { describe, expect, it } from 'vitest';
import type { BridgeMemberShape, CredentialStatusShape } from '../../../contract/index';
import { credentialSource, expiryLabel, memberStatus, parsePortInput, portChoices, targetsWith } from './bridge-panel';

const member = (over: Partial<BridgeMemberShape>): BridgeMemberShape => ({
  slug: 'web',
  leaseID: 'isb_crabbox-web',
  provider: 'islo',
  pond: 'demo',
  transport: 'url',
  endpoint: '',
  targets: [],
  ports: [],
  publishable: true,
  ...over,
});

describe('memberStatus', () => {
  it('explains failures and what to do', () => {
    expect(memberStatus(member({ bridgeState: 'error', transport: 'none', note: 'list bridge targets failed: provider=islo requires ISLO_API_KEY' }))).toEqual({
      tone: 'bad',
      text: 'Islo could not be asked for this member’s URLs. Check the Islo credentials in Settings, then choose Refresh.',
      detail: 'list bridge targets failed: provider=islo requires ISLO_API_KEY',
    });
    expect(memberStatus(member({ bridgeState: 'unsupported' })).tone).toBe('warn');
    expect(memberStatus(member({ bridgeState: 'unsupported-provider', provider: 'x' })).text).toBe('Pond Desktop has no URL bridge for x.');
  });

  it('counts URLs, and says how E2B and Railway behave when there are none', () => {
    expect(memberStatus(member({ targets: [{ port: 1, url: 'u', expiresAt: '' }, { port: 2, url: 'v', expiresAt: '' }] })).text).toBe('2 public URLs.');
    expect(memberStatus(member({ provider: 'e2b' })).text).toMatch(/^E2B serves every port/);
    expect(memberStatus(member({ provider: 'railway' })).tone).toBe('warn');
    expect(memberStatus(member({})).text).toBe('No public URL yet. Publish one for a port below.');
  });
});

describe('expiryLabel', () => {
  const now = Date.parse('2026-06-10T12:00:00Z');
  it('reads the expiry relative to now', () => {
    expect(expiryLabel('0001-01-01T00:00:00Z', now)).toBe('');
    expect(expiryLabel('', now)).toBe('');
    expect(expiryLabel('2026-06-10T11:00:00Z', now)).toBe('expired');
    expect(expiryLabel('2026-06-10T12:00:20Z', now)).toBe('expires in less than a minute');
    expect(expiryLabel('2026-06-10T12:45:00Z', now)).toBe('expires in 45 min');
    expect(expiryLabel('2026-06-11T12:00:00Z', now)).toBe('expires in 24 h');
    expect(expiryLabel('2026-06-17T12:00:00+02:00', now)).toBe('expires in 7 days');
  });
});

describe('portChoices', () => {
  it('merges exposed ports with ports that already have URLs, skipping port 0', () => {
    expect(portChoices(member({ ports: [8080, 3000], targets: [{ port: 0, url: 'r', expiresAt: '' }, { port: 5432, url: 'u', expiresAt: '' }, { port: 3000, url: 'x', expiresAt: '' }] }))).toEqual([3000, 5432, 8080]);
  });
});

describe('parsePortInput', () => {
  it('accepts 1..65535 and says what is wrong otherwise', () => {
    expect(parsePortInput(' 8080 ')).toEqual({ ok: true, port: 8080 });
    expect(parsePortInput('')).toEqual({ ok: false, error: 'Enter a port.' });
    expect(parsePortInput('80a')).toEqual({ ok: false, error: '"80a" is not a port number.' });
    expect(parsePortInput('0')).toEqual({ ok: false, error: 'A port is a number from 1 to 65535.' });
    expect(parsePortInput('70000').ok).toBe(false);
  });
});

describe('credentialSource', () => {
  const base: CredentialStatusShape = { name: 'ISLO_API_KEY', provider: 'islo', label: 'Islo API key', secret: true, source: 'unset', envVars: ['CRABBOX_ISLO_API_KEY', 'ISLO_API_KEY'], shadowed: false };
  it('says where the value comes from', () => {
    expect(credentialSource(base)).toBe('Not set. Enter it here or set CRABBOX_ISLO_API_KEY or ISLO_API_KEY.');
    expect(credentialSource({ ...base, source: 'app' })).toBe('Saved in Pond Desktop (encrypted).');
    expect(credentialSource({ ...base, source: 'environment', envVar: 'ISLO_API_KEY' })).toBe('Set by ISLO_API_KEY in the environment.');
    expect(credentialSource({ ...base, source: 'environment', envVar: 'ISLO_API_KEY', shadowed: true })).toMatch(/value saved here is not used/);
    expect(credentialSource({ ...base, source: 'unreadable', detail: 'enter it again' })).toBe('Saved, but cannot be used: enter it again.');
  });
});

describe('targetsWith', () => {
  it('lists a freshly published URL once, whether or not the provider lists it yet', () => {
    const fresh = { port: 3000, url: 'https://new.test', expiresAt: '' };
    const old = { port: 8080, url: 'https://old.test', expiresAt: '' };
    expect(targetsWith(member({ targets: [old] }), fresh)).toEqual([old, fresh]);
    expect(targetsWith(member({ targets: [old, fresh] }), fresh)).toEqual([old, fresh]);
    expect(targetsWith(member({ targets: [old] }), undefined)).toEqual([old]);
  });
});
