/** Claims read from disk on every call, for tests of services that take the pond directory's listing. */
import { listClaims } from '../claims';
import { claimsDir, type PathEnv } from '../../lib/paths';

export function diskListing(pathEnv: PathEnv) {
  return async () => {
    const listing = await listClaims(claimsDir(pathEnv));
    return { snapshot: { claimsDirState: listing.state, problems: listing.problems }, claims: listing.claims };
  };
}
