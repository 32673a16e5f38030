import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../lib/testing/temp-dir';
import { openConfBackend, SettingsStore, type ManualMember } from './settings-store';
import { forgetManualMember } from './manual-forget';

function member(id: string, pond: string): ManualMember {
  return { id, pond, slug: `box-${id}`, host: '10.0.0.9', port: 22, user: 'dev', ports: [8080], addedAt: '2026-06-10T12:00:00Z' };
}

describe('forgetManualMember', () => {
  it('removes only that host from the settings file and keeps every other setting', () => {
    const dir = tempDir('pond-static-');
    const settings = new SettingsStore(openConfBackend(dir));
    settings.set('manualMembers', [member('m1', 'alpha'), member('m2', 'alpha'), member('m3', 'beta')]);
    settings.set('crabboxPath', '/usr/local/bin/crabbox');

    expect(forgetManualMember(settings, 'm2')).toEqual({ kind: 'forgotten', member: member('m2', 'alpha') });

    const reread = new SettingsStore(openConfBackend(dir));
    expect(reread.get('manualMembers').map((m) => m.id)).toEqual(['m1', 'm3']);
    expect(reread.get('crabboxPath')).toBe('/usr/local/bin/crabbox');
  });

  it('reports a host that is already gone without changing anything', () => {
    const settings = new SettingsStore(openConfBackend(tempDir('pond-static-')));
    settings.set('manualMembers', [member('m1', 'alpha')]);
    const before = fs.readFileSync(settings.path, 'utf8');
    expect(forgetManualMember(settings, 'nope')).toEqual({ kind: 'gone' });
    expect(fs.readFileSync(settings.path, 'utf8')).toBe(before);
  });
});
