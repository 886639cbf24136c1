import type { HttpClient } from '../http/types';
import { AvailabilityZones } from './availability-zones';
import { Flavors } from './flavors';
import { Keypairs } from './keypairs';
import { Limits } from './limits';
import { NovaHttp } from './nova-http';
import { Servers } from './servers';

export * from './servers';
export * from './flavors';
export * from './keypairs';
export * from './availability-zones';
export * from './limits';
export * from './microversion';
export { parseNovaError } from './parse-error';
export { NovaHttp } from './nova-http';

/** All of Nova that viok uses, over one HttpClient at the compute endpoint (…/v2.1). */
export class NovaClient {
  readonly http: NovaHttp;
  readonly servers: Servers;
  readonly flavors: Flavors;
  readonly keypairs: Keypairs;
  readonly availabilityZones: AvailabilityZones;
  readonly limits: Limits;

  constructor(http: HttpClient, options: { maxMicroversion?: string } = {}) {
    this.http = new NovaHttp(http, options.maxMicroversion);
    this.servers = new Servers(this.http);
    this.flavors = new Flavors(this.http);
    this.keypairs = new Keypairs(this.http);
    this.availabilityZones = new AvailabilityZones(this.http);
    this.limits = new Limits(this.http);
  }

  /** The negotiated compute microversion. */
  microversion(): Promise<string> {
    return this.http.microversion();
  }
}
