import { describe, expect, it } from 'vitest';
import { rendererUrl, startsHidden } from './launch';

describe('launch', () => {
  it('stays in the tray only for a login start', () => {
    expect(startsHidden(['/opt/Pond Desktop/pond-desktop'], false)).toBe(false);
    expect(startsHidden(['/opt/Pond Desktop/pond-desktop', '--hidden'], false)).toBe(true);
    expect(startsHidden(['/Applications/Pond Desktop.app/Contents/MacOS/Pond Desktop'], true)).toBe(true);
  });

  it('loads the dev server only in an unpackaged app', () => {
    const builtPage = '/opt/Pond Desktop/resources/app.asar/out/renderer/index.html';
    const built = 'file:///opt/Pond%20Desktop/resources/app.asar/out/renderer/index.html';
    expect(rendererUrl({ isPackaged: false, override: 'http://localhost:5173/', builtPage })).toBe('http://localhost:5173/');
    expect(rendererUrl({ isPackaged: true, override: 'http://localhost:5173/', builtPage })).toBe(built);
    expect(rendererUrl({ isPackaged: false, override: undefined, builtPage })).toBe(built);
    expect(rendererUrl({ isPackaged: false, override: '', builtPage })).toBe(built);
  });
});
