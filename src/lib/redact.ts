/**
 * The one redactor: keeps credentials out of anything a person or a log can read.
 * Provider and Tailscale APIs echo what they were sent (a rejected key in a 401 body, a
 * token in a redirect URL), so every error text the HTTP client, the bridge adapters and
 * the doctor build from a request or a response passes through here.
 */

export const REDACTED = '[redacted]';

/** The secrets one client must never let out; adapters add session tokens as they get them. */
export class SecretSet {
  private readonly secrets = new Set<string>();

  constructor(initial: Iterable<string | undefined> = []) {
    for (const secret of initial) this.add(secret);
  }

  add(secret: string | undefined): void {
    const trimmed = secret?.trim();
    if (trimmed) this.secrets.add(trimmed);
  }

  values(): string[] {
    return [...this.secrets];
  }
}

const BEARER = /\bbearer[ \t]+[^\s"',;\\}]+/gi;
const HEADER = /\b(authorization|x-api-key|api-key|api_key|access_key)([ \t]*[:=][ \t]*)(?!\[redacted\]|bearer\b)[^\s"',;\\}]+/gi;
const JSON_FIELDS = ['authorization', 'apiKey', 'api_key', 'accessToken', 'access_token', 'access_key', 'session_token', 'token'];
const JSON_FIELD = new RegExp(`"(${JSON_FIELDS.join('|')})"(\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi;
/** `?token=…` (the web host's address), `&api_key=…` and the like. */
const QUERY = /([?&](?:token|access_token|api_key|apikey|auth|password|passphrase)=)[^&#\s"']+/gi;
/** Tailscale API keys and auth keys (`tskey-api-…`, `tskey-auth-…`). */
const TAILSCALE_KEY = /\btskey-[A-Za-z0-9-]+/g;

/** Go's url.QueryEscape, so a secret echoed inside a query string is caught too. */
export function goQueryEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function spellings(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), goQueryEscape(secret), JSON.stringify(secret).slice(1, -1)]);
  return [...forms].filter((form) => form !== '');
}

/**
 * Replaces every configured secret (as typed, URL-encoded or JSON-escaped) and every
 * credential-shaped fragment (`Bearer …`, `Authorization: …`, `"token": "…"`, URL
 * userinfo, `?token=…`, Tailscale keys) with `[redacted]`.
 */
export function redactSecrets(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  const forms = [...secrets].flatMap((secret) => spellings(secret.trim())).sort((a, b) => b.length - a.length);
  for (const form of forms) out = out.split(form).join(REDACTED);
  return out
    .replace(BEARER, `Bearer ${REDACTED}`)
    .replace(HEADER, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`)
    .replace(JSON_FIELD, (_m, key: string, sep: string) => `"${key}"${sep}"${REDACTED}"`)
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(QUERY, `$1${REDACTED}`)
    .replace(TAILSCALE_KEY, REDACTED);
}

/**
 * A response body as a one-line error detail: redacted first, then cut to `limit` bytes,
 * so a cut can never leave the first half of a secret behind.
 */
export function bodySnippet(body: string, secrets: Iterable<string>, limit = 4096): string {
  const redacted = redactSecrets(body.trim(), secrets);
  const bytes = Buffer.from(redacted, 'utf8');
  if (bytes.length <= limit) return redacted;
  return bytes.subarray(0, limit).toString('utf8').replace(/\uFFFD+$/, '');
}
