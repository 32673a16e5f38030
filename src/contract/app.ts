/** app: what the app is, notices and navigation requests, and opening links it produced. */
import { z } from 'zod';

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  transport: z.enum(['ipc', 'websocket', 'local', 'control']),
  paths: z.object({
    userData: z.string(),
    settingsFile: z.string(),
    crabboxClaims: z.string(),
    pondState: z.string(),
  }),
});

export const noticeSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  at: z.string(),
});

/** Links the UI may ask the system to open: only http(s) URLs the engine produced. */
export const openExternalInput = z.object({ url: z.string().url() });

/** Asks the UI to show a view, e.g. the release confirmation opened from the tray. */
export const navigateSchema = z.object({ view: z.string(), pond: z.string().optional() });
