import { expect, test } from './fixtures';

test('the UI loads from pond serve and app:info arrives over the WebSocket', async ({ page, pondHost }) => {
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(pondHost.url);
  await page.getByRole('button', { name: 'About' }).click();
  await expect(page.getByTestId('app-transport')).toHaveText('loopback WebSocket');
  await expect(page.getByTestId('app-version')).toHaveText(/^\d+\.\d+\.\d+/);
  expect(sockets).toHaveLength(1);
  expect(sockets[0]).toContain(`${pondHost.origin.replace('http', 'ws')}/api?token=`);
  // The token is taken out of the address bar once read.
  expect(page.url()).toBe(`${pondHost.origin}/`);
  await page.screenshot({ path: 'test-results/screenshots/about.png', fullPage: true });
});

test('a page with a bad token is refused and says why', async ({ page, pondHost }) => {
  await page.goto(`${pondHost.origin}/?token=not-the-token`);
  await page.getByRole('button', { name: 'About' }).click();
  await expect(page.getByRole('alert').first()).toContainText(/wrong or expired token/);
  await expect(page.getByTestId('app-info')).toHaveCount(0);
  expect(pondHost.stderr()).toContain('refused a connection with a wrong token');
});

test('a foreign origin cannot open the API socket', async ({ page, pondHost }) => {
  await page.goto('about:blank');
  const status = await page.evaluate(async (target) => {
    return new Promise<string>((resolve) => {
      const ws = new WebSocket(target);
      ws.onopen = () => resolve('open');
      ws.onerror = () => resolve('refused');
    });
  }, `${pondHost.origin.replace('http', 'ws')}/api?token=${pondHost.token}`);
  expect(status).toBe('refused');
});
