/**
 * Entry of a data-plane worker thread (built as `mesh-worker.js` next to the app's and the
 * CLI's bundles; worker-script.ts starts it).
 */
import { parentPort } from 'node:worker_threads';
import { PlaneHost } from './host';
import type { ToPlane } from './protocol';

const port = parentPort;
if (!port) throw new Error('the data-plane worker must run in a worker thread');
const host = new PlaneHost((message) => port.postMessage(message));
port.on('message', (message: ToPlane) => host.handle(message));
