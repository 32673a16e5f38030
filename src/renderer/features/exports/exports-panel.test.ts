import { describe, expect, it } from 'vitest';
import type { ExportsViewShape } from '../../../contract/index';
import { FORMAT_OPTIONS, loadHint, sourceNote } from './exports-panel';

const view = (fields: Partial<ExportsViewShape>): ExportsViewShape => ({
  pond: 'alpha',
  format: 'sh',
  source: 'mesh',
  envPath: '/h/.crabbox/pond/alpha/env',
  text: '',
  lines: [],
  ...fields,
});

describe('export panel words', () => {
  it('offers every format the engine renders', () => {
    expect(FORMAT_OPTIONS.map((o) => o.format)).toEqual(['sh', 'fish', 'powershell', 'dotenv', 'json']);
  });

  it('gives a working pond env command per format', () => {
    expect(loadHint('sh', 'alpha')).toBe('eval "$(pond env alpha)"');
    expect(loadHint('fish', 'alpha')).toBe('pond env alpha --format fish | source');
    expect(loadHint('powershell', 'alpha')).toBe('pond env alpha --format powershell | Invoke-Expression');
    expect(loadHint('dotenv', 'alpha')).toBe('pond env alpha --format dotenv > .env');
  });

  it('says where the lines come from', () => {
    const line = { name: 'A', value: 'v', line: 'export A=v' };
    expect(sourceNote(view({ lines: [line] }))).toBe('Forwards that are up now. They are also in /h/.crabbox/pond/alpha/env, rewritten whenever a forward comes or goes.');
    expect(sourceNote(view({ lines: [line], envPath: '' }))).toBe('Forwards that are up now.');
    expect(sourceNote(view({}))).toMatch(/^The pond is connected but no forward is up right now/);
    expect(sourceNote(view({ source: 'env-file' }))).toBe('Read from /h/.crabbox/pond/alpha/env, which pond connect or crabbox keeps up in another process; Pond Desktop has not connected this pond itself.');
    expect(sourceNote(view({ source: 'none' }))).toBe('Not connected: connect the pond to get export lines.');
  });
});
