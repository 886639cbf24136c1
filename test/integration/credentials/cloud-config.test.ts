import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../../src/clients/http/clock';
import { ApplicationCredentials, KeystoneSession } from '../../../src/clients/keystone';
import { ConfigError } from '../../../src/core/errors';
import type { ProgressEvent } from '../../../src/core/progress';
import type { ApplyObject } from '../../../src/kube';
import {
  CREDENTIAL_OUTPUT,
  provideCloudConfig,
  removeClusterCredentials,
  type CloudConfigKube,
} from '../../../src/provision/credentials/cloud-config';
import { findClusterCredentials } from '../../../src/provision/credentials/cluster-credential';
import { LocalStateStore } from '../../../src/state/local-store';
import type { ClusterState } from '../../../src/state/types';
import { startTestSim, type TestSim } from '../../helpers/sim';

/** The cluster's Kubernetes API as far as this needs it: objects applied, by namespace/name. */
class FakeKube implements CloudConfigKube {
  readonly objects = new Map<string, ApplyObject & { data?: Record<string, string> }>();
  applies = 0;
  private key = (o: ApplyObject): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  exists(o: ApplyObject): Promise<boolean> {
    return Promise.resolve(this.objects.has(this.key(o)));
  }
  apply(objects: readonly ApplyObject[]): Promise<void> {
    for (const o of objects) this.objects.set(this.key(o), structuredClone(o));
    this.applies += 1;
    return Promise.resolve();
  }
  cloudConf(): string | undefined {
    const s = this.objects.get('Secret/kube-system/cloud-config');
    const b64 = s?.data?.['cloud.conf'];
    return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
  }
}

/** The simulator's seeded admin, signed in with a password as an operator would. */
function adminSession(sim: TestSim, log?: string[]): KeystoneSession {
  return new KeystoneSession({
    cloud: {
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
    },
    clock: systemClock,
    ...(log ? { log: (l: string) => log.push(l) } : {}),
  });
}

describe('the cluster credential and its cloud-config Secret (simulator)', () => {
  let sim: TestSim;
  let dir: string;
  let store: LocalStateStore;
  let session: KeystoneSession;
  const log: string[] = [];
  const events: ProgressEvent[] = [];
  const kube = new FakeKube();
  const cluster = 'demo';
  const holder = {
    pid: process.pid,
    host: 'test',
    user: 'test',
    command: 'test',
    since: new Date().toISOString(),
  };
  const o = () => ({
    progress: { emit: (e: ProgressEvent) => events.push(e) },
    clock: systemClock,
    store,
    holder,
  });
  const stateText = (): string => readFileSync(path.join(dir, cluster, 'state.json'), 'utf8');

  beforeAll(async () => {
    sim = await startTestSim();
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-cred-'));
    store = new LocalStateStore(dir);
    const now = new Date().toISOString();
    const state: ClusterState = {
      version: 1,
      name: cluster,
      backend: 'nsx-t',
      createdAt: now,
      updatedAt: now,
      resources: {},
      outputs: {},
      secrets: {},
    };
    await store.write(state);
    session = adminSession(sim, log);
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let firstId = '';
  let firstSecret = '';

  test('first run: a credential, its id (only) in state, the Secret with cloud.conf signing in with it', async () => {
    const r = await provideCloudConfig(o(), { cluster, session, kube });
    expect(r.action).toBe('created');
    firstId = r.id;
    const conf = kube.cloudConf() ?? '';
    expect(conf).toContain('[Global]');
    expect(conf).toContain(`auth-url="${sim.urls.identity}/v3"`);
    expect(conf).toContain(`application-credential-id="${r.id}"`);
    expect(conf).toContain('region="RegionOne"');
    firstSecret = /application-credential-secret="([^"]+)"/.exec(conf)?.[1] ?? '';
    expect(firstSecret.length).toBeGreaterThan(20);
    // never the operator's sign-in
    expect(conf).not.toMatch(/password|username|user-name/);

    const state = JSON.parse(stateText()) as ClusterState;
    expect(state.outputs[CREDENTIAL_OUTPUT]).toEqual({ id: r.id });
    expect(stateText()).not.toContain(firstSecret);
    expect(statSync(path.join(dir, cluster, 'state.json')).mode & 0o777).toBe(0o600);
    expect(log.join('\n')).not.toContain(firstSecret);
    expect(JSON.stringify(events)).not.toContain(firstSecret);
    expect(JSON.stringify(events)).toContain(`application credential viok-${cluster} (${r.id}) created`);
  });

  test('a re-run with the Secret in place reuses the credential and applies nothing', async () => {
    const applies = kube.applies;
    const r = await provideCloudConfig(o(), { cluster, session, kube });
    expect(r).toEqual({ id: firstId, action: 'reused' });
    expect(kube.applies).toBe(applies);
  });

  test('a lost Secret rotates: new credential, Secret updated, the old credential deleted', async () => {
    kube.objects.clear();
    const r = await provideCloudConfig(o(), { cluster, session, kube });
    expect(r.action).toBe('rotated');
    expect(r.id).not.toBe(firstId);
    expect(kube.cloudConf()).toContain(`application-credential-id="${r.id}"`);
    expect(kube.cloudConf()).not.toContain(firstSecret);
    const api = await ApplicationCredentials.forSession(session);
    expect(await api.get(firstId)).toBeUndefined();
    expect((await findClusterCredentials(api, cluster)).map((c) => c.id)).toEqual([r.id]);
    expect((JSON.parse(stateText()) as ClusterState).outputs[CREDENTIAL_OUTPUT]).toEqual({ id: r.id });
  });

  test('an operator signed in with a restricted application credential gets a clear error, not a credential', async () => {
    const restricted = new KeystoneSession({
      cloud: {
        authType: 'v3applicationcredential',
        auth: {
          authUrl: sim.urls.identity,
          applicationCredentialName: 'viok-sim',
          applicationCredentialSecret: 'viok-sim-secret',
          username: 'admin',
          userDomainName: 'Default',
        },
        interfaces: ['public'],
        verify: true,
        endpointOverrides: {},
      },
      clock: systemClock,
    });
    const other = new FakeKube();
    const err = await provideCloudConfig(o(), { cluster: 'other', session: restricted, kube: other }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(
      /^Keystone refused to make cluster other's application credential \(403: .*sign in with a password/,
    );
    expect(other.applies).toBe(0);
  });

  test('delete removes it, by the id in state or, without state, by its name', async () => {
    const state = JSON.parse(stateText()) as ClusterState;
    const api = await ApplicationCredentials.forSession(session);
    expect(await removeClusterCredentials(session, cluster, undefined)).toHaveLength(1);
    expect(await findClusterCredentials(api, cluster)).toEqual([]);
    expect(await removeClusterCredentials(session, cluster, state.outputs)).toEqual([]);
  });
});

describe('a cloud whose Neutron cannot check access rules (service_type unset in keystonemiddleware)', () => {
  let sim: TestSim;
  let dir: string;
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('gets a credential without access rules, and a warning saying why and what to ask for', async () => {
    sim = await startTestSim({ config: { faults: { accessRulesUnvalidated: ['network'] } } });
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-cred-unvalidated-'));
    const store = new LocalStateStore(dir);
    const now = new Date().toISOString();
    await store.write({
      version: 1,
      name: 'plain',
      backend: 'vds',
      createdAt: now,
      updatedAt: now,
      resources: {},
      outputs: {},
      secrets: {},
    });
    const session = adminSession(sim);
    const events: ProgressEvent[] = [];
    const kube = new FakeKube();
    const r = await provideCloudConfig(
      {
        progress: { emit: (e: ProgressEvent) => events.push(e) },
        clock: systemClock,
        store,
        holder: { pid: process.pid, host: 'test', user: 'test', command: 'test', since: now },
      },
      { cluster: 'plain', session, kube },
    );
    expect(r.action).toBe('created');
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings).toEqual([
      expect.stringMatching(/does not validate access rules .*service_type.*without them/),
    ]);
    const api = await ApplicationCredentials.forSession(session);
    const made = await findClusterCredentials(api, 'plain');
    // one credential (the one with rules was deleted), without access rules, still restricted
    expect(made.map((c) => c.id)).toEqual([r.id]);
    const shown = (await api.get(r.id)) as { access_rules?: unknown[]; unrestricted?: boolean } | undefined;
    expect(shown?.access_rules ?? []).toEqual([]);
    expect(shown?.unrestricted).toBe(false);
    expect(kube.cloudConf()).toContain(`application-credential-id="${r.id}"`);
  });
});
