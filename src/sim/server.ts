/**
 * Starting the simulator: builds the services, restores or seeds their state, and opens one
 * plain-HTTP port for the OpenStack services (mounted under path prefixes) and one HTTPS port each
 * for NSX-T and NSX-V. Each request is answered by `dispatch.ts`.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Router, SimEventBus } from './framework';
import type { RequestLogEntry } from './framework';
import type { Sim, SimConfig, SimNeutronApi, SimService, TokenInfo } from './types';
import { applySimConfig, defaultSimConfig, seededRandom } from './config';
import type { SimConfigInput } from './config';
import type { SimUrls } from './connection-files';
import { handle, selectOpenstackMount, type HandlerContext, type Mount } from './dispatch';
import { readState, writeState } from './persistence';
import { generateTlsMaterial } from './tls';
import type { SimTlsMaterial } from './tls';
import { KeystoneSim } from './keystone';
import { GlanceSim } from './glance';
import { NovaSim } from './nova';
import { NeutronSim } from './neutron';
import { NsxtSim } from './nsxt';
import { NsxvSim } from './nsxv';
import { KubeSim } from './kube';

// Connection files lived here once; tests outside the simulator still import them from this module.
export {
  SIM_CLOUD_NAME,
  nsxEnvironment,
  simCloud,
  writeConnectionFiles,
  type ConnectionFiles,
  type SimUrls,
} from './connection-files';
export { errorResponse } from './error-bodies';

/** Neutron as the other services see it: a service plus the in-process API Nova and NSX use. */
export type NeutronService = SimService & SimNeutronApi;

/** Builds the services other helpers own; the default uses the real Neutron, NSX-T and NSX-V modules. */
export interface ServiceFactories {
  neutron(): NeutronService;
  nsxt(neutron: SimNeutronApi): SimService;
  nsxv(neutron: SimNeutronApi): SimService;
}

export interface StartSimulatorOptions {
  /** Address every port binds to. @default '127.0.0.1' */
  host?: string;
  /** OpenStack port; 0 picks a free one. @default 0 */
  port?: number;
  /** NSX-T Manager HTTPS port. @default 0 */
  nsxtPort?: number;
  /** NSX-V Manager HTTPS port. @default 0 */
  nsxvPort?: number;
  /** The simulated clusters' Kubernetes API HTTPS port. @default 0 */
  kubePort?: number;
  config?: SimConfigInput;
  /** Load state from this file at start (when it exists) and save it after every mutating request. */
  stateFile?: string;
  /** Clock in ms; tests pass a fake one. @default Date.now */
  now?: () => number;
  /** Replaces the default Neutron/NSX modules (tests of one service use stand-ins). */
  factories?: ServiceFactories;
  /** Called after each request is answered (the CLI's `--log`). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Keep the body of every mutating request in the request log (tests that check what was sent). */
  logBodies?: boolean;
}

export interface SimServices {
  keystone: KeystoneSim;
  neutron: NeutronService;
  nova: NovaSim;
  glance: GlanceSim;
  nsxt: SimService;
  nsxv: SimService;
  kube: KubeSim;
}

export interface RunningSimulator {
  urls: SimUrls;
  /** PEM of the CA that signed the NSX ports' certificate. */
  caPem: string;
  /** The live config: change fields (or call `configure`) to tweak latency, faults and build time. */
  config: SimConfig;
  configure(patch: SimConfigInput): void;
  /** Every request so far, in arrival order. */
  requestLog: RequestLogEntry[];
  sim: Sim;
  services: SimServices;
  /** Writes the state file now (no-op without one). */
  save(): void;
  /** Closes every port and open connection, saving state first. */
  stop(): Promise<void>;
}

/** Starts the simulator and resolves once every port accepts connections. */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const config = applySimConfig(defaultSimConfig(), options.config ?? {});
  const started = now();
  const serviceRng = seededRandom(config.seed);
  // faults draw from their own stream, so a service using randomness cannot shift which requests fail
  const faultRng = seededRandom(config.seed ^ 0x5eed5eed);
  const requestLog: RequestLogEntry[] = [];

  const saved = options.stateFile ? readState(options.stateFile) : undefined;
  const tls: SimTlsMaterial = saved?.tls ?? (await generateTlsMaterial([host]));

  const keystone = new KeystoneSim();
  const glance = new GlanceSim();
  const factories = options.factories ?? defaultFactories;
  const neutron = factories.neutron();
  const nova = new NovaSim(neutron, {
    imageExists: (id) => glance.hasImage(id),
    seedUserId: () => keystone.adminUserId,
  });
  const services: SimServices = {
    keystone,
    neutron,
    nova,
    glance,
    nsxt: factories.nsxt(neutron),
    nsxv: factories.nsxv(neutron),
    kube: new KubeSim(nova, neutron),
  };

  const urls: SimUrls = {
    openstack: '',
    identity: '',
    network: '',
    compute: '',
    image: '',
    nsxt: '',
    nsxv: '',
    kube: '',
  };
  const sim: Sim = {
    config,
    events: new SimEventBus(),
    now,
    rng: serviceRng,
    urls,
    validateToken: (token: string | undefined): TokenInfo | undefined => keystone.validateToken(token, now()),
    get defaultProjectId(): string {
      return keystone.adminProjectId;
    },
  };

  const openstackMounts: Mount[] = [];
  const mount = (service: SimService): Mount => {
    const router = new Router();
    service.register(router, sim);
    return { service, router };
  };
  for (const s of [services.keystone, services.neutron, services.nova, services.glance])
    openstackMounts.push(mount(s));
  const nsxtMount = mount(services.nsxt);
  const nsxvMount = mount(services.nsxv);
  const kubeMount = mount(services.kube);

  const all = Object.values(services) as SimService[];
  if (saved) {
    for (const s of all) {
      const data = saved.services[s.name];
      if (data !== undefined) s.restore(data);
      else s.seed(sim);
    }
  } else {
    for (const s of all) s.seed(sim);
  }

  const save = (): void => {
    if (!options.stateFile) return;
    const snapshot: Record<string, unknown> = {};
    for (const s of all) snapshot[s.name] = s.snapshot();
    writeState(options.stateFile, { tls, services: snapshot });
  };
  if (!saved) save();

  const ctx: HandlerContext = {
    sim,
    config,
    faultRng,
    requestLog,
    started,
    save,
    onRequest: options.onRequest,
    logBodies: options.logBodies ?? false,
  };
  const openstackServer = http.createServer((req, res) => {
    void handle(ctx, req, res, selectOpenstackMount(openstackMounts, req.url ?? '/'));
  });
  const tlsOptions = { cert: tls.certPem, key: tls.keyPem };
  // NSX-T principal identities authenticate with a client certificate: ask for one, never require it
  const nsxtServer = https.createServer(
    { ...tlsOptions, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      void handle(ctx, req, res, { mount: nsxtMount, prefix: '' });
    },
  );
  const nsxvServer = https.createServer(tlsOptions, (req, res) => {
    void handle(ctx, req, res, { mount: nsxvMount, prefix: '' });
  });
  // the simulated clusters' API servers: clients authenticate with their cluster's admin certificate
  const kubeServer = https.createServer(
    { ...tlsOptions, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      void handle(ctx, req, res, { mount: kubeMount, prefix: '' });
    },
  );
  const servers = [openstackServer, nsxtServer, nsxvServer, kubeServer];
  const [osPort, nsxtPort, nsxvPort, kubePort] = await Promise.all([
    listen(openstackServer, host, options.port ?? 0),
    listen(nsxtServer, host, options.nsxtPort ?? 0),
    listen(nsxvServer, host, options.nsxvPort ?? 0),
    listen(kubeServer, host, options.kubePort ?? 0),
  ]);

  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  urls.openstack = `http://${urlHost}:${osPort}`;
  urls.identity = `${urls.openstack}/identity`;
  urls.network = `${urls.openstack}/network`;
  urls.compute = `${urls.openstack}/compute/v2.1`;
  urls.image = `${urls.openstack}/image`;
  urls.nsxt = `https://${urlHost}:${nsxtPort}`;
  urls.nsxv = `https://${urlHost}:${nsxvPort}`;
  urls.kube = `https://${urlHost}:${kubePort}`;

  let stopped = false;
  return {
    urls,
    caPem: tls.caPem,
    config,
    configure: (patch) => void applySimConfig(config, patch),
    requestLog,
    sim,
    services,
    save,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      save();
      await Promise.all(servers.map((s) => close(s)));
    },
  };
}

/** The real Neutron, NSX-T and NSX-V modules. */
export const defaultFactories: ServiceFactories = {
  neutron: () => new NeutronSim(),
  nsxt: (neutron) => new NsxtSim(neutron),
  nsxv: (neutron) => new NsxvSim(neutron),
};

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
