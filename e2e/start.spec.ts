/**
 * `npm start` where Electron cannot start: the start script says why in one line and serves
 * the same UI with `pond serve`. Electron's binary is made missing (an empty override
 * folder) and its download goes to a local mirror that has nothing, so this runs the same
 * with or without a binary on the machine and never reaches the internet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

test('npm start says in one line why Electron cannot start and serves the UI for a browser', async ({ page, request }) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-start-'));
  const asked: string[] = [];
  const mirror = http.createServer((req, res) => {
    asked.push(req.url ?? '');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  let child: ChildProcess | undefined;
  try {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: path.join(root, 'home'),
      XDG_CONFIG_HOME: path.join(root, 'config'),
      XDG_STATE_HOME: path.join(root, 'state'),
      // A display is claimed, so the missing binary is what stops Electron.
      DISPLAY: ':99',
      ELECTRON_OVERRIDE_DIST_PATH: path.join(root, 'no-electron'),
      ELECTRON_MIRROR: `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`,
      electron_config_cache: path.join(root, 'electron-cache'),
    };
    fs.mkdirSync(env.HOME as string);
    child = spawn(process.execPath, ['scripts/start.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = child;
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /^Open: (\S+)$/m.exec(output);
        if (match?.[1]) resolve(match[1]);
      };
      started.stdout?.on('data', collect);
      started.stderr?.on('data', collect);
      void exited.then((code) => reject(new Error(`the start script exited with ${code} before printing a URL:\n${output}`)));
    });

    const reasons = output.split('\n').filter((line) => line.includes('cannot start here'));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(
      /^pond: the desktop app cannot start here: Electron's binary is not installed and could not be downloaded \(Response code 404 \(Not Found\) for http:\/\/127\.0\.0\.1:\d+\/v[\d.]+\/electron-v[\d.]+-[a-z0-9]+-[a-z0-9]+\.zip\)\. Serving the same UI for your browser instead\.$/,
    );
    expect(asked).toHaveLength(1);

    const html = await (await request.get(url)).text();
    expect(html).toContain('<title>Pond Desktop</title>');
    expect(html).toContain('<div id="root"></div>');
    await page.goto(url);
    await page.getByRole('button', { name: 'About' }).click();
    await expect(page.getByTestId('app-transport')).toHaveText('loopback WebSocket');
    await page.close();

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The script waits for `pond serve` to stop, so nothing listens on the address any more.
    await expect(request.get(url)).rejects.toThrow(/ECONNREFUSED/);
  } finally {
    // A failed assertion must not leave the script (and its `pond serve`) running.
    if (child && child.exitCode === null && child.signalCode === null) {
      const stopped = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await stopped;
    }
    mirror.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
