import { run } from './main';
import { processIO } from './process-io';

process.exitCode = await run(process.argv.slice(2), processIO());
// Sessions and watchers may hold the loop open after a command finished its work.
process.exit();
