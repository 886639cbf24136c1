/**
 * The contract between the simulator's server (`src/sim/server.ts`) and its service modules.
 */
import type { Router, SimEventBus } from './framework';

/** Latency and fault knobs; every random choice comes from `rng` so a seed reproduces a run. */
export interface SimConfig {
  /** Added to every API call, in ms. @default 0 */
  latencyMs: number;
  /** Time a Nova server stays in BUILD before ACTIVE, in ms. @default 0 */
  serverBuildMs: number;
  /**
   * Time each bootstrap phase takes on a simulated node's serial console (os-getConsoleOutput),
   * counted from ACTIVE, in ms. @default 0 (every node reports `done` as soon as it is ACTIVE)
   */
  bootstrapStepMs: number;
  /** Keystone token lifetime, in seconds. @default 3600 */
  tokenLifetimeSeconds: number;
  faults: {
    /** Share (0..1) of requests answered 503 before acting. */
    error503: number;
    /** Share of requests answered 500 before acting. */
    error500: number;
    /** Share of requests answered 429 with Retry-After before acting. */
    throttle429: number;
    /** Share of mutating requests whose connection is reset *after* the server acted (the response is lost). */
    resetAfterAct: number;
    /** Share of requests that stall for `stallMs` before being answered. */
    stall: number;
    stallMs: number;
    /** Names (or name prefixes ending in '*') of servers that boot into ERROR with a fault. */
    errorServers: string[];
    /**
     * `<name or prefix*>:<phase>` entries: the node's console reports that bootstrap phase as
     * failed (with log lines) and stops there, e.g. `demo-worker-1:kubeadm-join`.
     */
    bootstrapFailures: string[];
    /**
     * Service types (e.g. `network`) whose keystonemiddleware has no service_type in
     * [keystone_authtoken]: it cannot check access rules, so it refuses (401) every call made with a
     * token that has them ("Cannot validate request with restricted access rules").
     */
    accessRulesUnvalidated?: string[];
  };
  seed: number;
}

export interface TokenInfo {
  token: string;
  userId: string;
  userName: string;
  projectId: string;
  projectName: string;
  expiresAt: number;
  roles: string[];
  /** The access rules of the application credential the token was issued from, when it has any. */
  accessRules?: { service: string; method: string; path: string }[];
}

/** What every service module receives. */
export interface Sim {
  readonly config: SimConfig;
  readonly events: SimEventBus;
  /** Milliseconds; injected so tests can move time. */
  now(): number;
  /** Deterministic random in [0,1) from config.seed. */
  rng(): number;
  /** Base URLs, e.g. { openstack: 'http://127.0.0.1:5000', nsxt: 'https://127.0.0.1:5443', nsxv: 'https://127.0.0.1:5444' }. */
  readonly urls: { openstack: string; nsxt: string; nsxv: string };
  /** Keystone's token check, used by every OpenStack service: undefined when missing, unknown or expired. */
  validateToken(token: string | undefined): TokenInfo | undefined;
  /** Project id of the seeded default project (admin). */
  readonly defaultProjectId: string;
}

/** A simulated service. OpenStack services are mounted under a path prefix on the OpenStack port. */
export interface SimService {
  readonly name: 'keystone' | 'neutron' | 'nova' | 'glance' | 'nsxt' | 'nsxv' | 'kube';
  /** Mount point: '/identity', '/network', '/compute', '/image' on the OpenStack port; '' for the NSX ports. */
  readonly prefix: string;
  register(router: Router, sim: Sim): void;
  /** The seeded default cloud (called once on a fresh state, after every service registered). */
  seed(sim: Sim): void;
  /** JSON-serialisable state, for `viok sim serve --state FILE`. */
  snapshot(): unknown;
  restore(data: unknown): void;
}

/**
 * What Neutron offers other simulated services in-process (Nova attaches ports to servers; NSX-T mirrors
 * ports as logical ports; NSX-V mirrors routers as Edges). Implemented by `src/sim/neutron`.
 */
export interface SimNeutronPort {
  id: string;
  network_id: string;
  project_id: string;
  name: string;
  mac_address: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
  device_id: string;
  device_owner: string;
  status: string;
  tags: string[];
}

export interface SimNeutronApi {
  getPort(id: string): SimNeutronPort | undefined;
  getNetwork(
    id: string,
  ): { id: string; name: string; project_id: string; 'router:external': boolean } | undefined;
  /** Optional: NSX-V reads a router port's subnet to give the Edge vnic its real mask (a /24 is assumed without it). */
  getSubnet?(id: string): { id: string; cidr: string } | undefined;
  /** Nova boot: sets device_id/device_owner ('compute:<az>'), binding host, status ACTIVE. 409-worthy conflicts throw. */
  bindPort(portId: string, serverId: string, availabilityZone: string): void;
  /** Nova delete / interface detach: clears device_id and device_owner. */
  unbindPort(portId: string): void;
  /** Nova boot with `{"networks":[{"uuid": net}]}`: creates a port on that network owned by the server. */
  createServerPort(networkId: string, serverId: string, projectId: string): SimNeutronPort;
  /** Deletes a port Nova created for a server (on server delete). */
  deletePort(portId: string): void;
  /** Ports whose device_id is the server, in creation order. */
  portsOfDevice(deviceId: string): SimNeutronPort[];
}
