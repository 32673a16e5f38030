import { run } from './main';
import { exitWhenDrained, processIO } from './process-io';

// Sessions and watchers may hold the loop open after a command finished its work, so the
// process exits explicitly, but only once its output has reached the reader.
await exitWhenDrained(await run(process.argv.slice(2), processIO()));
