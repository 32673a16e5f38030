import { describe, expect, it } from 'vitest';
import { ProducedUrls } from './produced-urls';

describe('ProducedUrls', () => {
  it('opens only http(s) URLs the engine produced', () => {
    const urls = new ProducedUrls();
    urls.add('https://8080-sbx-abc123.e2b.app');
    urls.add('file:///etc/passwd');
    expect(urls.has('https://8080-sbx-abc123.e2b.app/')).toBe(true);
    expect(urls.has('https://8081-sbx-abc123.e2b.app/')).toBe(false);
    expect(urls.has('file:///etc/passwd')).toBe(false);
    expect(urls.has('not a url')).toBe(false);
  });
});
