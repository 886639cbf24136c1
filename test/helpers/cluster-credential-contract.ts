/**
 * The cluster credential's contract (issue 17), against the simulator (test/contract) or a real
 * cloud (test/e2e): viok makes the cluster's Keystone application credential with its access rules,
 * the credential signs in (token and catalog), a call its rules allow succeeds and one outside them
 * is refused, a re-run reuses it, a lost secret rotates it, and delete removes every one of them.
 * The secret never appears in the debug log.
 */
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../src/clients/http/clock';
import { isApiError } from '../../src/clients/http/errors';
import { ApplicationCredentials, KeystoneSession } from '../../src/clients/keystone';
import type { KeystoneCloud } from '../../src/clients/keystone/types';
import { parseNeutronError } from '../../src/clients/neutron';
import { cloudProviderAccessRules } from '../../src/provision/credentials/access-rules';
import {
  clusterCredentialName,
  deleteClusterCredentials,
  ensureClusterCredential,
  findClusterCredentials,
} from '../../src/provision/credentials/cluster-credential';
import type { ContractCloud, ContractTarget } from './contract-target';

async function statusOf(fn: () => Promise<unknown>): Promise<number | undefined> {
  try {
    await fn();
    return 200;
  } catch (e) {
    if (isApiError(e)) return e.details.status;
    throw e;
  }
}

export function defineClusterCredentialContract(target: ContractTarget): void {
  describe(`cluster application credential contract: ${target.name}`, () => {
    let env: ContractCloud;
    let operator: KeystoneSession;
    let api: ApplicationCredentials;
    const log: string[] = [];
    const cluster = `cc-${randomBytes(3).toString('hex')}`;
    const secrets: string[] = [];

    const credentialSession = (id: string, secret: string): KeystoneSession => {
      const auth = env.cloud.auth;
      const cloud: KeystoneCloud = {
        ...env.cloud,
        authType: 'v3applicationcredential',
        auth: { authUrl: auth.authUrl, applicationCredentialId: id, applicationCredentialSecret: secret },
      };
      return new KeystoneSession({
        cloud,
        clock: systemClock,
        log: (l) => log.push(l),
        retry: { attempts: 1 },
      });
    };

    beforeAll(async () => {
      env = await target.setup();
      operator = new KeystoneSession({ cloud: env.cloud, clock: systemClock, log: (l) => log.push(l) });
      api = await ApplicationCredentials.forSession(operator);
    });
    afterAll(async () => {
      if (api) await deleteClusterCredentials(api, { cluster, recordedId: undefined }).catch(() => []);
      await target.teardown();
    });

    let firstId = '';
    let firstSecret = '';

    test('create makes viok-<cluster>, restricted, with the access rules, and gives the secret once', async () => {
      const made = await ensureClusterCredential(api, {
        cluster,
        recordedId: undefined,
        secretInCluster: false,
        clock: systemClock,
      });
      expect(made.action).toBe('created');
      if (made.action !== 'created') return;
      firstId = made.id;
      firstSecret = made.secret;
      secrets.push(made.secret);
      const shown = await api.get(made.id);
      expect(shown).toMatchObject({ name: clusterCredentialName(cluster), unrestricted: false });
      expect(JSON.stringify(shown)).not.toContain(made.secret);
      const rules = (shown?.access_rules ?? []).map(({ service, method, path }) => ({
        service,
        method,
        path,
      }));
      expect(rules).toEqual(cloudProviderAccessRules.map((r) => ({ ...r })));
      expect(shown?.project_id).toBe(await operator.projectId());
    });

    test('the credential signs in: a token with a catalog', async () => {
      const s = credentialSession(firstId, firstSecret);
      expect(await s.getToken()).toEqual(expect.any(String));
      expect((await s.catalog()).map((c) => c.type)).toEqual(expect.arrayContaining(['compute', 'network']));
    });

    test('a call its rules allow succeeds; one outside them is refused (401 from keystonemiddleware)', async () => {
      const s = credentialSession(firstId, firstSecret);
      const neutron = await s.clientFor('neutron', 'network', parseNeutronError);
      expect(await statusOf(() => neutron.request({ method: 'GET', path: '/v2.0/networks' }))).toBe(200);
      // security groups: CCM and Cinder CSI never need them, so no rule allows them
      const refused = await statusOf(() => neutron.request({ method: 'GET', path: '/v2.0/security-groups' }));
      expect(refused).toBe(401);
    });

    test('a re-run while the cluster holds the secret reuses the credential', async () => {
      const again = await ensureClusterCredential(api, {
        cluster,
        recordedId: firstId,
        secretInCluster: true,
        clock: systemClock,
      });
      expect(again).toEqual({ action: 'reused', id: firstId });
      // state lost, the cluster's Secret still there: found by its name
      expect(
        await ensureClusterCredential(api, {
          cluster,
          recordedId: undefined,
          secretInCluster: true,
          clock: systemClock,
        }),
      ).toEqual({ action: 'reused', id: firstId });
    });

    test('a lost secret rotates: a new credential, the old one named for deletion, then gone', async () => {
      const rotated = await ensureClusterCredential(api, {
        cluster,
        recordedId: firstId,
        secretInCluster: false,
        clock: systemClock,
      });
      expect(rotated.action).toBe('rotated');
      if (rotated.action !== 'rotated') return;
      secrets.push(rotated.secret);
      expect(rotated.id).not.toBe(firstId);
      expect(rotated.replaced).toEqual([firstId]);
      for (const id of rotated.replaced) await api.delete(id);
      expect(await api.get(firstId)).toBeUndefined();
      expect(await statusOf(() => credentialSession(firstId, firstSecret).getToken())).toBe(401);
      expect(await credentialSession(rotated.id, rotated.secret).getToken()).toEqual(expect.any(String));
      expect((await findClusterCredentials(api, cluster)).map((c) => c.id)).toEqual([rotated.id]);
    });

    test('delete without state finds the credential by its name and removes it', async () => {
      const before = await findClusterCredentials(api, cluster);
      expect(before).toHaveLength(1);
      const deleted = await deleteClusterCredentials(api, { cluster, recordedId: undefined });
      expect(deleted).toEqual(before.map((c) => c.id));
      expect(await findClusterCredentials(api, cluster)).toEqual([]);
      expect(await deleteClusterCredentials(api, { cluster, recordedId: before[0]?.id })).toEqual([]);
    });

    test('no secret reached the debug log', () => {
      expect(log.length).toBeGreaterThan(0);
      const text = log.join('\n');
      expect(secrets).toHaveLength(2);
      expect(text).toContain('"secret":"***"');
      for (const s of secrets) expect(text).not.toContain(s);
      // Short lab passwords ('secret', 'admin') also appear as words: check where a leak would show.
      for (const s of env.secrets) {
        expect(text).not.toContain(`"password":"${s}"`);
        if (s.length >= 8) expect(text).not.toContain(s);
      }
    });
  });
}
