/**
 * Loaded with `--import` before the built app (harness.ts): maps the `electron` module to
 * the stand-in. The app's main bundle and electron-store import it as an ES module; nothing
 * the app loads requires it from CommonJS.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./electron-hook.mjs', import.meta.url, { data: { standIn: pathToFileURL(`${import.meta.dirname}/electron-standin.ts`).href } });
