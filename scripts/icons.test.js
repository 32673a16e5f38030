import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_PNG_SIZES, iconFiles, readAppSvg, render } from './icons.js';
import { TRAY_STATES, trayGlyphSvg } from './tray-glyphs.js';

const root = path.resolve(import.meta.dirname, '..');
let files;
beforeAll(async () => {
  files = await iconFiles(readAppSvg(root));
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png) {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('the committed icons', () => {
  it('are exactly what `npm run icons` renders from their sources', () => {
    for (const [relative, content] of Object.entries(files)) {
      expect(fs.readFileSync(path.join(root, relative)).equals(content), `${relative} is stale: run npm run icons`).toBe(true);
    }
  });

  it('cover the app icon from 16 to 1024 pixels, for macOS, Windows and Linux', () => {
    for (const size of APP_PNG_SIZES) expect(pngSize(files[`build/icons/${size}x${size}.png`])).toEqual([size, size]);
    expect(files['build/icon.icns'].subarray(0, 4).toString('latin1')).toBe('icns');
    expect(files['build/icon.ico'].readUInt16LE(2)).toBe(1);
    expect(files['build/icon.ico'].readUInt16LE(4)).toBe(7);
  });

  it('give every tray state a 16 px template image with its @2x, an .ico and a PNG', () => {
    for (const state of TRAY_STATES) {
      expect(pngSize(files[`resources/tray/${state}Template.png`])).toEqual([16, 16]);
      expect(pngSize(files[`resources/tray/${state}Template@2x.png`])).toEqual([32, 32]);
      expect(pngSize(files[`resources/tray/${state}.png`])).toEqual([32, 32]);
      expect(files[`resources/tray/${state}.ico`].readUInt16LE(4)).toBe(6);
    }
  });
});

describe('tray glyphs', () => {
  const alpha = (state, size) => {
    const { pixels } = render(trayGlyphSvg(state, { colour: false }), size);
    return pixels.filter((_, index) => index % 4 === 3);
  };

  it('are pure black with alpha in template images, as macOS requires', () => {
    for (const state of TRAY_STATES) {
      for (const size of [16, 32]) {
        const { pixels } = render(trayGlyphSvg(state, { colour: false }), size);
        const coloured = pixels.some((value, index) => index % 4 !== 3 && value !== 0);
        expect(coloured, `${state} at ${size} px`).toBe(false);
      }
    }
  });

  it('differ by shape, not only by colour: every pair of template images differs in many pixels', () => {
    for (const [i, a] of TRAY_STATES.entries()) {
      for (const b of TRAY_STATES.slice(i + 1)) {
        const [left, right] = [alpha(a, 32), alpha(b, 32)];
        const differing = left.filter((value, index) => Math.abs(value - right[index]) > 128).length;
        // At least one pixel in sixteen, at the @2x size.
        expect(differing, `${a} vs ${b}`).toBeGreaterThan(64);
      }
    }
  });

  it('names the states it knows when asked for another', () => {
    expect(() => trayGlyphSvg('connecting', { colour: true })).toThrow('unknown tray state "connecting"; expected one of idle, ok, degraded, failed');
  });
});
