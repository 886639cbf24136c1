import type { ResolvedAuth, ResolvedCloudSettings } from './resolved-cloud';

/**
 * What a Keystone session needs from a resolved cloud (`src/config`'s `ResolvedCloud` is one): the
 * credentials, region, interface preference, TLS settings and endpoint overrides; its name and the files
 * it came from, when known, so failures can say which entry to fix.
 */
export type KeystoneCloud = ResolvedAuth &
  Pick<ResolvedCloudSettings, 'interfaces' | 'verify' | 'endpointOverrides'> &
  Partial<Pick<ResolvedCloudSettings, 'regionName' | 'cacert' | 'name' | 'source' | 'secureSource'>>;

export interface CatalogEndpoint {
  id?: string;
  interface: string;
  region?: string | null;
  region_id?: string | null;
  url: string;
}

export interface CatalogService {
  type: string;
  name?: string;
  id?: string;
  endpoints: CatalogEndpoint[];
}

/** The parts of a Keystone v3 token response viok uses. */
export interface TokenBody {
  token: {
    expires_at: string;
    issued_at?: string;
    methods?: string[];
    user: { id: string; name: string; domain?: { id: string; name: string } };
    project?: { id: string; name: string; domain?: { id: string; name: string } };
    roles?: { id: string; name: string }[];
    catalog?: CatalogService[];
  };
}
