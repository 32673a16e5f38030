/** Every `pond` command, in the order `pond --help` lists them. */
import type { CliCommand } from '../types';
import { connect } from './connect';
import { doctor } from './doctor';
import { env } from './env';
import { hosts } from './hosts';
import { list } from './list';
import { peers } from './peers';
import { release } from './release';
import { serve } from './serve';

export const commands: CliCommand[] = [
  list,
  peers,
  hosts,
  connect,
  env,
  doctor,
  release,
  serve,
];
