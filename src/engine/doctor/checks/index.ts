/** Every live check, in the order a member's results are listed. */
import { forwardProbe } from './forward-probe';
import { missingEndpoint } from './missing-endpoint';
import { sshHandshake } from './ssh-handshake';
import { tailnetReach } from './tailnet-reach';
import type { Checker } from './types';
import { urlHead } from './url-head';

export const CHECKERS: readonly Checker[] = [sshHandshake, tailnetReach, urlHead, forwardProbe, missingEndpoint];
