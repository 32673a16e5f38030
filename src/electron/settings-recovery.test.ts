import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConfBackend } from '../engine/settings-store';
import { openSettingsRecovering, settingsProblemText } from './settings-recovery';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function userData(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-settings-'));
  dirs.push(dir);
  return dir;
}

const at = () => new Date('2026-03-04T05:06:07.890Z');

describe('opening the settings', () => {
  it('opens a good file as it is', () => {
    const dir = userData();
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ crabboxPath: '/usr/local/bin/crabbox' }));
    const { settings, problem } = openSettingsRecovering(path.join(dir, 'config.json'), () => openConfBackend(dir), at);
    expect(problem).toBeNull();
    expect(settings.get('crabboxPath')).toBe('/usr/local/bin/crabbox');
  });

  it('moves a file that is not JSON aside, keeps it whole, and opens defaults', () => {
    const dir = userData();
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, '{"manualMembers": [ oops');
    const { settings, problem } = openSettingsRecovering(file, () => openConfBackend(dir), at);
    const movedTo = path.join(dir, 'config.unreadable-2026-03-04T05-06-07Z.json');
    expect(problem).toEqual({ file, movedTo, cause: expect.stringMatching(/JSON/) });
    expect(fs.readFileSync(movedTo, 'utf8')).toBe('{"manualMembers": [ oops');
    expect(settings.get('manualMembers')).toEqual([]);
    const text = settingsProblemText(problem!);
    expect(text.message).toBe('Pond Desktop could not read its settings and started with default settings.');
    expect(text.detail).toContain(`The settings file ${file} could not be read: `);
    expect(text.detail).toContain(`It was moved to ${movedTo}`);
    expect(text.detail).toContain(`fix the file (it must be valid JSON) and move it back to ${file}.`);
  });

  it('throws when there is no file to move aside', () => {
    expect(() =>
      openSettingsRecovering('/nonexistent/config.json', () => {
        throw new Error('EACCES: permission denied');
      }, at),
    ).toThrow('EACCES');
  });
});
