/**
 * URLs the engine handed to the UI (bridge share URLs, preview URLs). The app opens a
 * link in the user's browser only if it is one of these and is http(s).
 */
export class ProducedUrls {
  private readonly urls = new Set<string>();

  add(url: string): void {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') this.urls.add(parsed.href);
  }

  has(url: string): boolean {
    try {
      const parsed = new URL(url);
      return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && this.urls.has(parsed.href);
    } catch {
      return false;
    }
  }
}
