import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { resourcesDir } from './resources';

const root = path.resolve(import.meta.dirname, '../..');

describe('resourcesDir', () => {
  it('finds the icons in resources/ of the checkout when running unpackaged', () => {
    expect(resourcesDir({ isPackaged: false, resourcesPath: '/opt/electron/resources', appDir: '/home/me/pond-desktop' })).toBe(
      path.join('/home/me/pond-desktop', 'resources'),
    );
  });

  it("finds them in Electron's resources folder, next to the asar, when packaged", () => {
    const resourcesPath = path.join('/opt', 'Pond Desktop', 'resources');
    expect(resourcesDir({ isPackaged: true, resourcesPath, appDir: path.join(resourcesPath, 'app.asar') })).toBe(path.join(resourcesPath, 'resources'));
  });

  it('looks where electron-builder.yml copies them', () => {
    const config = YAML.parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { extraResources: { from: string; to: string }[] };
    const resourcesPath = path.join('/packaged', 'resources');
    const packaged = resourcesDir({ isPackaged: true, resourcesPath, appDir: '' });
    expect(config.extraResources.map((entry) => path.join(resourcesPath, entry.to))).toContain(packaged);
    expect(config.extraResources.map((entry) => path.join(root, entry.from))).toContain(resourcesDir({ isPackaged: false, resourcesPath, appDir: root }));
    expect(fs.existsSync(path.join(root, 'resources', 'icon.png'))).toBe(true);
  });
});
