/** Every `pond` command, in the order `pond --help` lists them. */
import type { CliCommand } from '../types';
import { agent } from './agent';
import { connect } from './connect';
import { disconnect } from './disconnect';
import { doctor } from './doctor';
import { env } from './env';
import { hosts } from './hosts';
import { list } from './list';
import { peers } from './peers';
import { ports } from './ports';
import { release } from './release';
import { serve } from './serve';
import { status } from './status';

export const commands: CliCommand[] = [
  list,
  peers,
  hosts,
  connect,
  disconnect,
  status,
  ports,
  env,
  doctor,
  release,
  serve,
  agent,
];
