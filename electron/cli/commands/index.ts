/** Every `pond` command; an area adds its command with one line. */
import type { CliCommand } from '../types';
import { serve } from './serve';

export const commands: CliCommand[] = [
  serve,
  // @area-commands (one line per command, keep this marker last)
];
