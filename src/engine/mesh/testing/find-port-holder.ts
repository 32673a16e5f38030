/**
 * `node --import tsx find-port-holder.ts <port>`: prints findPortHolder's answer as JSON.
 * Tests run it as another user, to see what that user is told about a port it cannot read.
 */
import { findPortHolder, systemPortHolderDeps } from '../port-holder';

process.stdout.write(`${JSON.stringify(await findPortHolder(Number(process.argv[2]), systemPortHolderDeps()))}\n`);
