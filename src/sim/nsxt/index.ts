/**
 * The simulated NSX-T Manager API (`/api/v1` plus `/api/session/create`, and a subset of the Policy API
 * under `/policy/api/v1`, see policy.ts), served on its own HTTPS port
 * with prefix ''. Credentials: basic auth or a session as `admin` / `VMware1!VMware1!`
 * (`NSXT_SIM_USER` / `NSXT_SIM_PASSWORD`). Seeded: the overlay transport zone `overlay-tz`, a VLAN
 * zone, the tier-0 router `tier0-router`, and NSX's default load-balancer profiles and monitors.
 * Principal identities and their certificates: trust.ts.
 * Neutron ports are mirrored as plugin-owned logical ports (see neutron-mirror.ts).
 */
import type { Router } from '../framework';
import type { Sim, SimNeutronApi, SimService } from '../types';
import { NsxtAuth } from './auth';
import { registerFirewall, type FirewallState } from './firewall';
import { registerGrouping } from './grouping';
import { registerIpam, type Allocations } from './ipam';
import { registerLoadBalancer } from './loadbalancer';
import { NcpEmulation } from './ncp';
import { NeutronMirror, OVERLAY_TZ_NAME } from './neutron-mirror';
import { NsxRoutes } from './routes';
import { POLICY_BASE, PolicyStore, registerPolicy, seedPolicy } from './policy';
import { registerRouting } from './routing';
import { NsxtStore, SYSTEM, type NsxObject } from './store';
import { registerSwitching } from './switching';
import { principalByCertificate, registerTrust } from './trust';

export { NSXT_SIM_PASSWORD, NSXT_SIM_USER } from './auth';
export { POLICY_BASE };
export const TIER0_ROUTER_NAME = 'tier0-router';

export interface NsxtSimOptions {
  /** Idle lifetime of an API session. @default 1800 */
  sessionIdleSeconds?: number;
}

interface Snapshot {
  objects: Record<string, NsxObject[]>;
  policy?: NsxObject[];
  allocations: Record<string, string[]>;
  firewall: { order: string[]; rules: Record<string, Record<string, unknown>[]> };
}

export class NsxtSim implements SimService {
  readonly name = 'nsxt' as const;
  readonly prefix = '';
  private store: NsxtStore = new NsxtStore(() => Date.now());
  private policy: PolicyStore = new PolicyStore(() => Date.now());
  private allocations: Allocations = new Map();
  private firewall: FirewallState = { order: [], rules: new Map() };

  constructor(
    private readonly neutron: SimNeutronApi,
    private readonly options: NsxtSimOptions = {},
  ) {}

  register(router: Router, sim: Sim): void {
    const now = (): number => sim.now();
    const previous = this.store.snapshot();
    this.store = new NsxtStore(now);
    this.store.restore(previous);
    const previousPolicy = this.policy.objects;
    this.policy = new PolicyStore(now);
    for (const [k, v] of previousPolicy) this.policy.objects.set(k, v);
    const auth = new NsxtAuth(now, this.options.sessionIdleSeconds, (pem) =>
      principalByCertificate(this.store, pem),
    );
    router.add('POST', '/api/session/create', (req) => auth.createSession(req));
    router.add('POST', '/api/session/destroy', (req) => auth.destroySession(req));
    const routes = new NsxRoutes(router, auth, this.store);
    // NCP "runs" for a cluster once viok tags a node's port for it (ncp.ts says why that hook)
    const ncp = new NcpEmulation(this.store, this.firewall);
    registerSwitching(routes, { portReplaced: (before, after) => ncp.portReplaced(before, after) });
    registerIpam(routes, this.allocations, { blockCreated: (block) => ncp.blockCreated(block) });
    registerRouting(routes);
    registerFirewall(routes, this.firewall);
    registerGrouping(routes, this.firewall);
    registerLoadBalancer(routes);
    registerTrust(routes);
    registerPolicy(router, auth, this.policy);
    new NeutronMirror(this.store, this.neutron).listen(sim);
  }

  seed(): void {
    const s = this.store;
    const admin = { user: 'admin', protection: 'NOT_PROTECTED' as const };
    s.create(
      'TransportZone',
      {
        display_name: OVERLAY_TZ_NAME,
        transport_type: 'OVERLAY',
        host_switch_name: 'nsxDefaultHostSwitch',
        is_default: true,
      },
      admin,
    );
    s.create(
      'TransportZone',
      { display_name: 'vlan-tz', transport_type: 'VLAN', host_switch_name: 'nsxDefaultHostSwitch' },
      admin,
    );
    s.create(
      'LogicalRouter',
      {
        display_name: TIER0_ROUTER_NAME,
        router_type: 'TIER0',
        high_availability_mode: 'ACTIVE_STANDBY',
        failover_mode: 'NON_PREEMPTIVE',
        edge_cluster_id: '00000000-0000-4000-8000-0000000ec001',
      },
      admin,
    );
    // NSX ships these system-owned defaults; NCP and users reference them by name.
    s.create(
      'LbAppProfile',
      { display_name: 'nsx-default-lb-fast-tcp-profile', idle_timeout: 1800, close_timeout: 8 },
      SYSTEM,
      { resourceType: 'LbFastTcpProfile' },
    );
    s.create('LbAppProfile', { display_name: 'nsx-default-lb-fast-udp-profile', idle_timeout: 300 }, SYSTEM, {
      resourceType: 'LbFastUdpProfile',
    });
    s.create('LbAppProfile', { display_name: 'nsx-default-http-profile', idle_timeout: 15 }, SYSTEM, {
      resourceType: 'LbHttpProfile',
    });
    s.create(
      'LbMonitor',
      { display_name: 'nsx-default-tcp-monitor', interval: 5, timeout: 15, fall_count: 3, rise_count: 3 },
      SYSTEM,
      { resourceType: 'LbTcpMonitor' },
    );
    s.create('LbMonitor', { display_name: 'nsx-default-passive-monitor', max_fails: 5, timeout: 5 }, SYSTEM, {
      resourceType: 'LbPassiveMonitor',
    });
    seedPolicy(this.policy, TIER0_ROUTER_NAME);
  }

  snapshot(): Snapshot {
    return {
      objects: this.store.snapshot(),
      policy: [...this.policy.objects.values()],
      allocations: Object.fromEntries([...this.allocations].map(([k, v]) => [k, [...v]])),
      firewall: { order: this.firewall.order, rules: Object.fromEntries(this.firewall.rules) },
    };
  }

  restore(data: unknown): void {
    const snap = data as Partial<Snapshot> | undefined;
    this.store.restore(snap?.objects ?? {});
    this.policy.objects.clear();
    for (const o of snap?.policy ?? []) this.policy.objects.set(String(o.path), o);
    this.allocations.clear();
    for (const [k, v] of Object.entries(snap?.allocations ?? {})) this.allocations.set(k, new Set(v));
    this.firewall.order = snap?.firewall?.order ?? [];
    this.firewall.rules = new Map(Object.entries(snap?.firewall?.rules ?? {}));
  }
}
