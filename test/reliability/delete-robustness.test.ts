/**
 * Delete when the cluster is in a bad state: no local state, ports left attached, a server stuck in
 * ERROR, half-made routers, a security group still in use. Every case ends with nothing of the cluster
 * left in the simulator (by tag or by name), and nothing else touched: look-alike objects without the
 * cluster's tag, another cluster's objects, and the user's provider and external networks survive.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { OperationError } from '../../src/core/errors';
import { clusterTag, keyTag } from '../../src/core/names';
import { createCluster } from '../../src/provision/create';
import { deleteCluster } from '../../src/provision/delete';
import { simObjects, startRig, type Rig } from '../helpers/rig';

async function call(rig: Rig, method: string, url: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await rig.sim.api(method, url, body === undefined ? {} : { body });
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${r.text}`);
  return (typeof r.body === 'object' && r.body !== null ? r.body : {}) as Record<string, unknown>;
}

async function networkId(rig: Rig, name: string): Promise<string> {
  const body = await call(rig, 'GET', `/network/v2.0/networks?name=${encodeURIComponent(name)}`);
  const nets = body.networks as { id: string }[];
  if (nets.length !== 1) throw new Error(`${nets.length} networks named ${name}`);
  return (nets[0] as { id: string }).id;
}

async function setTags(rig: Rig, collection: string, id: string, tags: string[]): Promise<void> {
  await call(rig, 'PUT', `/network/v2.0/${collection}/${id}/tags`, { tags });
}

async function createPort(rig: Rig, port: Record<string, unknown>, tags: string[] = []): Promise<string> {
  const created = (await call(rig, 'POST', '/network/v2.0/ports', { port })).port as { id: string };
  if (tags.length > 0) await setTags(rig, 'ports', created.id, tags);
  return created.id;
}

async function exists(rig: Rig, collection: string, id: string): Promise<boolean> {
  const r = await rig.sim.api('GET', `/network/v2.0/${collection}/${id}`);
  return r.status === 200;
}

async function deleteAndExpectNothingLeft(rig: Rig): Promise<void> {
  await deleteCluster(rig.deleteOptions());
  expect(simObjects(rig.sim, rig.cluster)).toEqual([]);
  expect(await rig.clients.neutron.ports.list({ tags: [clusterTag(rig.cluster)] })).toEqual([]);
}

describe('delete robustness', () => {
  it('nsx-t: deletes everything with the local state folder removed', async () => {
    const rig = await startRig('nsx-t');
    try {
      await createCluster(rig.createOptions());
      for (const entry of readdirSync(rig.stateDir))
        rmSync(path.join(rig.stateDir, entry), { recursive: true, force: true });
      expect(await rig.store.read(rig.cluster)).toBeUndefined();
      await deleteAndExpectNothingLeft(rig);
    } finally {
      await rig.close();
    }
  });

  it('nsx-t: ports left attached, an untagged port from a killed create, and half-made routers', async () => {
    const rig = await startRig('nsx-t');
    try {
      await createCluster(rig.createOptions());
      const tag = clusterTag(rig.cluster);
      const mgmt = await networkId(rig, `viok-${rig.cluster}-network-mgmt`);
      const publicNet = await networkId(rig, 'public');
      // a cluster port still bound to a server that no longer exists
      await createPort(
        rig,
        {
          network_id: mgmt,
          name: `viok-${rig.cluster}-port-extra`,
          device_owner: 'compute:nova',
          device_id: '0c5a9f4e-0000-4000-8000-000000000001',
        },
        [tag, keyTag('port/extra')],
      );
      // a create killed between the port's POST and its tag PUT: named by viok, untagged
      const orphan = await createPort(rig, {
        network_id: mgmt,
        name: `viok-${rig.cluster}-port-worker-9-mgmt`,
      });
      // a router with its gateway but no interface yet
      const gatewayOnly = (
        (
          await call(rig, 'POST', '/network/v2.0/routers', {
            router: {
              name: `viok-${rig.cluster}-router-half`,
              external_gateway_info: { network_id: publicNet },
            },
          })
        ).router as { id: string }
      ).id;
      await setTags(rig, 'routers', gatewayOnly, [tag, keyTag('router/half')]);
      // a router with an interface on a cluster subnet but no gateway
      const subnets = (await call(rig, 'GET', `/network/v2.0/subnets?network_id=${mgmt}`)).subnets as {
        id: string;
      }[];
      const interfaceOnly = (
        (
          await call(rig, 'POST', '/network/v2.0/routers', {
            router: { name: `viok-${rig.cluster}-router-half2` },
          })
        ).router as { id: string }
      ).id;
      await setTags(rig, 'routers', interfaceOnly, [tag, keyTag('router/half2')]);
      const port = await createPort(rig, { network_id: mgmt, name: `viok-${rig.cluster}-port-rif` }, [tag]);
      await call(rig, 'PUT', `/network/v2.0/routers/${interfaceOnly}/add_router_interface`, {
        port_id: port,
      });
      expect(subnets.length).toBe(1);

      await deleteAndExpectNothingLeft(rig);
      expect(await exists(rig, 'ports', orphan)).toBe(false);
      expect(await exists(rig, 'networks', publicNet)).toBe(true);
    } finally {
      await rig.close();
    }
  });

  it("nsx-v: names the user's port that keeps a cluster network in use, then finishes once it is gone", async () => {
    const rig = await startRig('nsx-v');
    try {
      await createCluster(rig.createOptions());
      const internal = await networkId(rig, `viok-${rig.cluster}-network-internal`);
      const userPort = await createPort(rig, { network_id: internal, name: 'my-debug-port' });
      const quick = { pollMs: 10, maxPollMs: 10, serverBootMs: 1000, deleteMs: 200 };
      const error = await deleteCluster(rig.deleteOptions({ timing: quick })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationError);
      expect((error as Error).message).toMatch(
        new RegExp(`is still in use by ports viok did not create: my-debug-port ${userPort};`),
      );
      expect(await exists(rig, 'ports', userPort)).toBe(true);

      await call(rig, 'DELETE', `/network/v2.0/ports/${userPort}`);
      await deleteAndExpectNothingLeft(rig);
    } finally {
      await rig.close();
    }
  });

  it('vds: a server stuck in ERROR is deleted with the rest', async () => {
    const rig = await startRig('vds');
    try {
      rig.sim.configure({ faults: { errorServers: [`${rig.cluster}-worker-1`] } });
      await expect(createCluster(rig.createOptions())).rejects.toThrow(/went into ERROR twice/);
      const servers = await rig.clients.nova.servers.listByTag(clusterTag(rig.cluster));
      expect(servers.filter((s) => s.status === 'ERROR').map((s) => s.name)).toEqual([
        `${rig.cluster}-worker-1`,
      ]);
      await deleteAndExpectNothingLeft(rig);
    } finally {
      await rig.close();
    }
  });

  it('vds: a security group still in use is retried until it is free, and look-alikes survive', async () => {
    const rig = await startRig('vds', { cluster: 'rel-vds' });
    try {
      await createCluster(rig.createOptions());
      const provider = await networkId(rig, 'provider');
      const publicNet = await networkId(rig, 'public');
      const groups = await rig.clients.neutron.securityGroups.list({ tags: [clusterTag(rig.cluster)] });
      const worker = groups.find((g) => g.name.endsWith('-worker'));
      if (!worker) throw new Error('no worker security group');
      // the user's own port on the provider network uses the cluster's group: delete gets 409 in-use
      const userPort = await createPort(rig, {
        network_id: provider,
        name: 'user-port',
        security_groups: [worker.id],
      });
      // look-alikes: viok's names without the tag, another cluster's tag, on the user's network
      const lookAlikePort = await createPort(rig, {
        network_id: provider,
        name: `viok-${rig.cluster}-port-cp-1`,
      });
      const otherCluster = await createPort(
        rig,
        { network_id: provider, name: `viok-${rig.cluster}-port-lb-1` },
        [clusterTag(`${rig.cluster}-other`), keyTag('port/lb-1')],
      );
      const lookAlikeNet = (
        (
          await call(rig, 'POST', '/network/v2.0/networks', {
            network: { name: `viok-${rig.cluster}-network-mgmt` },
          })
        ).network as { id: string }
      ).id;
      const lookAlikeGroup = (
        (
          await call(rig, 'POST', '/network/v2.0/security-groups', {
            security_group: { name: `viok-${rig.cluster}-security-group-worker` },
          })
        ).security_group as { id: string }
      ).id;
      await setTags(rig, 'security-groups', lookAlikeGroup, [clusterTag('someone-else')]);

      // the user frees the group once delete has been told it is in use
      const log = rig.sim.requestLog;
      const push = log.push.bind(log);
      let conflicts = 0;
      log.push = (...entries) => {
        for (const e of entries)
          if (e.method === 'DELETE' && e.path.endsWith(`/security-groups/${worker.id}`) && e.status === 409) {
            conflicts++;
            if (conflicts === 2)
              void call(rig, 'PUT', `/network/v2.0/ports/${userPort}`, { port: { security_groups: [] } });
          }
        return push(...entries);
      };

      // the untagged look-alikes named for the cluster are named, and the state (CA keys) is kept for them
      await expect(deleteCluster(rig.deleteOptions())).rejects.toThrow(
        /2 untagged objects named for it are left \(port viok-rel-vds-port-cp-1 .*network viok-rel-vds-network-mgmt .*--include-untagged/,
      );
      expect(conflicts).toBeGreaterThanOrEqual(2);
      const left = simObjects(rig.sim, rig.cluster).filter((o) => o.tagged);
      expect(left).toEqual([]);
      for (const [collection, id] of [
        ['ports', userPort],
        ['ports', lookAlikePort],
        ['ports', otherCluster],
        ['networks', lookAlikeNet],
        ['networks', provider],
        ['networks', publicNet],
        ['security-groups', lookAlikeGroup],
      ] as const)
        expect(`${collection}/${id}: ${String(await exists(rig, collection, id))}`).toBe(
          `${collection}/${id}: true`,
        );
      // nothing the user made was changed either: no DELETE or PUT reached them
      const untouchable = [
        userPort,
        lookAlikePort,
        otherCluster,
        lookAlikeNet,
        lookAlikeGroup,
        provider,
        publicNet,
      ];
      const touched = rig
        .mutations()
        .filter((e) => e.method === 'DELETE' && untouchable.some((id) => e.path.includes(id)));
      expect(touched).toEqual([]);
    } finally {
      await rig.close();
    }
  });
});
