import os from 'node:os';
import { resolveCloud } from '../../src/config';
import type { KeystoneCloud } from '../../src/clients/keystone/types';
import { startTestSim, type TestSim } from './sim';

/** What the OpenStack contract suite runs against: the simulator or a real cloud. */
export interface ContractTarget {
  /** Shown in the describe title, e.g. 'simulator' or 'cloud oslab'. */
  name: string;
  /** Starts (if needed) and returns the cloud to test. */
  setup(): Promise<ContractCloud>;
  /** Stops what setup started. */
  teardown(): Promise<void>;
}

export interface ContractCloud {
  cloud: KeystoneCloud;
  /** Name of an external network (router gateways, floating IPs). */
  externalNetwork: string;
  flavor: string;
  image: string;
  /** Admin rights: quota changes (OverQuota case) and enable_snat on router gateways need them. */
  admin: boolean;
  /** How long a server may take to become ACTIVE or disappear. */
  serverTimeoutMs: number;
  /** Secrets the debug log must never contain (password, application credential secret, token). */
  secrets: string[];
}

/**
 * A real cloud from clouds.yaml (the usual search path, OS_CLIENT_CONFIG_FILE first). The network,
 * flavor and image default to the OpenStack lab's seeds and are overridable for an operator's cloud:
 * VIOK_E2E_EXTERNAL_NETWORK, VIOK_E2E_FLAVOR, VIOK_E2E_IMAGE, VIOK_E2E_ADMIN (0/1).
 */
export function cloudsYamlTarget(cloudName: string, env: NodeJS.ProcessEnv = process.env): ContractTarget {
  return {
    name: `cloud ${cloudName}`,
    setup: async () => {
      const cloud = resolveCloud({ cloudName, env, homeDir: os.homedir(), cwd: process.cwd() });
      return {
        cloud,
        externalNetwork: env.VIOK_E2E_EXTERNAL_NETWORK ?? 'public',
        flavor: env.VIOK_E2E_FLAVOR ?? 'm1.tiny',
        image: env.VIOK_E2E_IMAGE ?? 'cirros-fake',
        admin: (env.VIOK_E2E_ADMIN ?? '1') !== '0',
        serverTimeoutMs: Number(env.VIOK_E2E_SERVER_TIMEOUT_MS ?? 180_000),
        secrets: secretsOf(cloud),
      };
    },
    teardown: async () => {},
  };
}

export function secretsOf(cloud: KeystoneCloud): string[] {
  switch (cloud.authType) {
    case 'password':
      return [cloud.auth.password];
    case 'v3applicationcredential':
      return [cloud.auth.applicationCredentialSecret];
    case 'token':
      return [cloud.auth.token];
  }
}

/** The in-process simulator (test/helpers/sim.ts), seeded like the lab: admin/secret, `public`, m1.tiny, cirros. */
export function simTarget(): ContractTarget {
  let sim: TestSim | undefined;
  return {
    name: 'simulator',
    setup: async () => {
      sim = await startTestSim();
      const cloud: KeystoneCloud = {
        authType: 'password',
        auth: {
          authUrl: sim.urls.identity,
          username: 'admin',
          password: 'secret',
          projectName: 'admin',
          userDomainName: 'Default',
          projectDomainName: 'Default',
        },
        regionName: 'RegionOne',
        interfaces: ['public'],
        verify: true,
        endpointOverrides: {},
      };
      return {
        cloud,
        externalNetwork: 'public',
        flavor: 'm1.tiny',
        image: 'cirros',
        admin: true,
        serverTimeoutMs: 30_000,
        secrets: secretsOf(cloud),
      };
    },
    teardown: async () => {
      await sim?.stop();
    },
  };
}
