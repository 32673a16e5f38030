/** Every `pond` command, in the order `pond --help` lists them; an area adds its command with one line. */
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
  // @area-commands (one line per command, in the order `pond --help` lists them)
];
