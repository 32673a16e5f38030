/**
 * The app's log: main-process events (start, connects, disconnects, reconnects, errors with
 * their cause) in `<logs>/main.log` through electron-log, rotated to `main.old.log` at
 * 1 MiB, and on standard error for starts from a terminal. Every line passes the one
 * redactor first, with the secrets the engine knows, so no token, key or passphrase that
 * reaches a message reaches the file.
 */
import path from 'node:path';
import electronLog from 'electron-log/node';
import { redactSecrets } from '../lib/redact';

export interface AppLog {
  /** The log file, for messages that say "see the log". */
  readonly file: string;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, cause?: unknown): void;
}

export interface AppLogOptions {
  dir: string;
  /** Secret values to redact (provider keys from the environment or the settings). */
  secrets: () => Iterable<string>;
  /** Also write to standard error (the app); tests keep it quiet. */
  console?: boolean;
  /** Bytes before the file is rotated. */
  maxSize?: number;
}

let instances = 0;

function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    const nested = cause.cause !== undefined ? `; caused by ${causeText(cause.cause)}` : '';
    return `${cause.message}${nested}`;
  }
  return String(cause);
}

export function openAppLog(options: AppLogOptions): AppLog {
  instances += 1;
  const logger = electronLog.create({ logId: `pond-${instances}` });
  const file = path.join(options.dir, 'main.log');
  logger.transports.file.setAppName('Pond Desktop');
  logger.transports.file.resolvePathFn = () => file;
  logger.transports.file.maxSize = options.maxSize ?? 1024 * 1024;
  logger.transports.file.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}] {text}';
  logger.transports.console.level = options.console ? 'info' : false;
  logger.transports.console.format = '[pond] {text}';
  let secrets: string[] = [];
  const redact = (text: string) => redactSecrets(text, secrets);
  const write = (level: 'info' | 'warn' | 'error', text: string) => {
    try {
      secrets = [...options.secrets()];
    } catch {
      // The settings may be unreadable; the redactor's patterns still apply.
    }
    logger[level](redact(text));
  };
  return {
    file,
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message, cause) => write('error', cause === undefined ? message : `${message}: ${causeText(cause)}`),
  };
}
