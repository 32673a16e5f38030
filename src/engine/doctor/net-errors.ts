/**
 * Network failures in the words crabbox prints (Go's syscall texts), so a doctor line
 * reads "connection refused" whether it came from a socket, ssh2 or fetch.
 */

const BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ETIMEDOUT: 'i/o timeout',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EHOSTDOWN: 'host is down',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'temporary failure in name resolution',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EPIPE: 'broken pipe',
  UND_ERR_CONNECT_TIMEOUT: 'i/o timeout',
  UND_ERR_SOCKET: 'connection reset by peer',
  UND_ERR_HEADERS_TIMEOUT: 'timeout awaiting response headers',
  CERT_HAS_EXPIRED: 'tls: certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls: certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls: self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls: unable to verify the certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls: certificate is not valid for this host name',
};

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The innermost useful cause: fetch wraps socket errors as `TypeError: fetch failed`. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    current = cause;
  }
  return current;
}

/** A short reason for a failed connection or request, e.g. `connection refused`. */
export function describeNetError(error: unknown): string {
  for (const candidate of [rootCause(error), error]) {
    const code = codeOf(candidate);
    if (code && BY_CODE[code]) return BY_CODE[code];
  }
  const cause = rootCause(error);
  const message = cause instanceof Error ? cause.message : String(cause);
  return shortenProbeError(message);
}

/** shortenProbeError (§4.6): the text after the last `": "`, so a line stays short. */
export function shortenProbeError(text: string): string {
  const trimmed = text.trim();
  const i = trimmed.lastIndexOf(': ');
  return i >= 0 && i < trimmed.length - 2 ? trimmed.slice(i + 2) : trimmed;
}
