/**
 * What every pond command reads first: crabbox's claims and the hand-added hosts. A
 * problem with either is reported on stderr (naming its file) and never hides the rest.
 */
import { listClaims, type ClaimsListing } from '../engine/claims';
import { readOnlyManualSource } from '../engine/manual-members';
import { claimsDir, PathError } from '../engine/paths';
import type { PondsOverview } from '../engine/ponds';
import { readManual } from '../engine/ponds-directory';
import type { ManualMember } from '../engine/settings-store';
import { UsageError, type CliIO } from './types';

export interface PondSources {
  listing: ClaimsListing;
  manual: ManualMember[];
  problems: PondsOverview['problems'];
}

/** Problems go to stderr so that stdout stays the command's output; each names its file. */
export function reportProblems(io: CliIO, problems: PondsOverview['problems']): void {
  for (const problem of problems) io.err(`warning: ${problem.message}\n`);
}

export function claimsDirOrUsage(io: CliIO): string {
  try {
    return claimsDir(io.pathEnv);
  } catch (error) {
    if (error instanceof PathError) throw new UsageError(error.message);
    throw error;
  }
}

export async function readPondSources(io: CliIO): Promise<PondSources> {
  const listing = await listClaims(claimsDirOrUsage(io));
  const manual = readManual(readOnlyManualSource(io.pathEnv));
  return { listing, manual: manual.members, problems: manual.problem ? [...listing.problems, manual.problem] : listing.problems };
}
