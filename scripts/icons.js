/**
 * `npm run icons`: renders every icon from its source and writes the results, which are
 * committed; rerun it after changing a source.
 *
 * From build/icon.svg: build/icons/<N>x<N>.png (16 to 1024), build/icon.png (1024),
 * build/icon.icns (macOS) and build/icon.ico (Windows).
 * From scripts/tray-glyphs.js, for every tray state: resources/tray/<state>Template.png and
 * <state>Template@2x.png (macOS template images, black and alpha only), <state>.ico
 * (Windows) and <state>.png (Linux).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { IconIcns, IconIco } from '@shockpkg/icon-encoder';
import { TRAY_STATES, trayGlyphSvg } from './tray-glyphs.js';

export const APP_PNG_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS slots per pixel size; the @2x slots share the image of the size they double to. */
const ICNS_SLOTS = { 16: ['ic04'], 32: ['ic05', 'ic11'], 64: ['ic12'], 128: ['ic07'], 256: ['ic08', 'ic13'], 512: ['ic09', 'ic14'], 1024: ['ic10'] };
const TRAY_ICO_SIZES = [16, 20, 24, 32, 40, 48];
const TRAY_PNG_SIZE = 32;

/** Renders SVG to a square image `size` pixels wide. */
export function render(svg, size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render();
}

async function ico(svg, sizes) {
  const icon = new IconIco();
  for (const size of sizes) await icon.addFromPng(render(svg, size).asPng());
  return Buffer.from(icon.encode());
}

async function icns(svg) {
  const icon = new IconIcns();
  for (const [size, slots] of Object.entries(ICNS_SLOTS)) await icon.addFromPng(render(svg, Number(size)).asPng(), slots);
  return Buffer.from(icon.encode());
}

/** Every generated file as {path relative to the repository: content}. */
export async function iconFiles(appSvg) {
  const files = {};
  for (const size of APP_PNG_SIZES) files[`build/icons/${size}x${size}.png`] = render(appSvg, size).asPng();
  files['build/icon.png'] = files['build/icons/1024x1024.png'];
  files['build/icon.icns'] = await icns(appSvg);
  files['build/icon.ico'] = await ico(appSvg, ICO_SIZES);
  for (const state of TRAY_STATES) {
    const template = trayGlyphSvg(state, { colour: false });
    const colour = trayGlyphSvg(state, { colour: true });
    files[`resources/tray/${state}Template.png`] = render(template, 16).asPng();
    files[`resources/tray/${state}Template@2x.png`] = render(template, 32).asPng();
    files[`resources/tray/${state}.png`] = render(colour, TRAY_PNG_SIZE).asPng();
    files[`resources/tray/${state}.ico`] = await ico(colour, TRAY_ICO_SIZES);
  }
  return files;
}

export function readAppSvg(root) {
  return fs.readFileSync(path.join(root, 'build', 'icon.svg'), 'utf8');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(import.meta.dirname, '..');
  const files = await iconFiles(readAppSvg(root));
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), content);
  }
  console.log(`icons: wrote ${Object.keys(files).length} files under build/ and resources/tray/`);
}
