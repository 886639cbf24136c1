import { clusterTag } from '../../../src/core/names';
import { createCluster } from '../../../src/provision/create';
import { PreflightError } from '../../../src/provision/preflight';
import { startHarness, type Harness } from '../../helpers/provision-harness';

describe('vds create when the cloud misbehaves', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const serverCreates = (): number =>
    h.sim.requestLog.filter((e) => e.method === 'POST' && e.path.endsWith('/servers')).length;

  it('deletes a server that boots into ERROR together with its port, and creates it once more', async () => {
    h.sim.configure({ faults: { errorServers: ['demo-worker-2'] } });
    // the second boot succeeds: the fault clears once the failed server is deleted
    const log = h.sim.requestLog;
    const push = log.push.bind(log);
    log.push = (...entries) => {
      for (const e of entries)
        if (e.method === 'DELETE' && e.path.includes('/servers/'))
          h.sim.configure({ faults: { errorServers: [] } });
      return push(...entries);
    };
    const firstPorts = await (async () => {
      await createCluster(h.createOptions());
      return h.clients.neutron.ports.list({ tags: [clusterTag('demo')] });
    })();
    expect(serverCreates()).toBe(9);
    const servers = await h.clients.nova.servers.listByTag(clusterTag('demo'));
    expect(servers).toHaveLength(8);
    expect(servers.every((s) => s.status === 'ACTIVE')).toBe(true);
    // exactly one port per node plus the VIP: the failed boot's port did not leak
    expect(firstPorts).toHaveLength(9);
    expect(h.progress.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        message: expect.stringContaining('demo-worker-2 is in ERROR: No valid host was found'),
      }),
    );
  });

  it("fails with Nova's fault when the second boot ends in ERROR too, leaving no stray port", async () => {
    h.sim.configure({ faults: { errorServers: ['demo-cp-1'] } });
    await expect(createCluster(h.createOptions())).rejects.toThrow(
      /demo-cp-1 .* went into ERROR twice: No valid host was found/,
    );
    expect(serverCreates()).toBe(9);
    expect(
      await h.clients.neutron.ports.list({ tags: [clusterTag('demo'), 'viok-key=port.cp-1'] }),
    ).toHaveLength(1);
  });

  it('stops waiting when a server it waits for is deleted (another run deleted the cluster), naming it', async () => {
    h.sim.configure({ serverBuildMs: 60_000 });
    const events: { type: string; phase?: string }[] = [];
    let deleted = '';
    const created = createCluster(
      h.createOptions({
        progress: {
          emit: (e) => {
            events.push(e);
            // once every server exists and create waits: someone deletes a worker
            if (e.type === 'phase' && e.phase === 'wait' && !deleted)
              void h.clients.nova.servers.listByTag(clusterTag('demo')).then(async (list) => {
                const worker = list.find((x) => x.name === 'demo-worker-1');
                deleted = worker?.id ?? 'none';
                if (worker) await h.clients.nova.servers.delete(worker.id);
              });
          },
        },
      }),
    );
    await expect(created).rejects.toThrow(
      /server demo-worker-1 \(.*\) was deleted while create waited for it .* run viok create cluster demo again/,
    );
    expect(deleted).not.toBe('none');
  });

  it('refuses a too-small quota before creating anything, naming every shortfall', async () => {
    await h.sim.api('PUT', `/network/v2.0/quotas/${h.sim.sim.defaultProjectId}`, {
      body: { quota: { security_group: 3, port: 5 } },
    });
    await h.sim.api('PUT', `/compute/v2.1/os-quota-sets/${h.sim.sim.defaultProjectId}`, {
      body: { quota_set: { instances: 5, cores: 8 } },
    });
    const from = h.sim.requestLog.length;
    const error = await createCluster(h.createOptions()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as PreflightError).message).toMatch(
      /Nova instances: the cluster needs 8 more, but 0 of 5 are used/,
    );
    expect((error as PreflightError).message).toMatch(/Nova cores: the cluster needs 20 more/);
    // the project's default group already takes one of the three
    expect((error as PreflightError).message).toMatch(
      /Neutron security groups: the cluster needs 3 more, but 1 of 3 are used/,
    );
    expect((error as PreflightError).message).toMatch(/Neutron ports: the cluster needs 9 more/);
    expect((error as PreflightError).exitCode).toBe(1);
    expect(h.mutations(from)).toEqual([]);
  });

  it('refuses a spec naming a missing flavor and image with exit code 2, creating nothing', async () => {
    const spec = {
      ...h.spec,
      spec: { ...h.spec.spec, image: 'no-such-image', workers: { count: 1, flavor: 'm9.huge' } },
    };
    const error = await createCluster(h.createOptions({ spec })).catch((e: unknown) => e);
    expect((error as PreflightError).problems.map((p) => p.message)).toEqual([
      expect.stringContaining('spec.image: no image "no-such-image" in Glance. (available: '),
      expect.stringContaining('spec.workers.flavor: no flavor "m9.huge"'),
    ]);
    expect((error as PreflightError).exitCode).toBe(2);
    expect(h.mutations()).toEqual([]);
  });

  it('suggests the image and flavor a typo meant, and lists what the cloud has', async () => {
    const spec = {
      ...h.spec,
      spec: { ...h.spec.spec, image: 'ubuntu-22.4', workers: { count: 1, flavor: 'm1.meduim' } },
    };
    const error = await createCluster(h.createOptions({ spec })).catch((e: unknown) => e);
    const [image, flavor] = (error as PreflightError).problems.map((p) => p.message);
    expect(image).toBe(
      'spec.image: no image "ubuntu-22.4" in Glance. Did you mean "ubuntu-22.04"? (available: cirros, ubuntu-22.04)',
    );
    expect(flavor).toMatch(
      /^spec\.workers\.flavor: no flavor "m1\.meduim"\. Did you mean "m1\.medium"\? \(available: m1\.tiny, /,
    );
    expect(h.mutations()).toEqual([]);
  });

  it('converges to exactly one of each resource when responses to creates are lost', async () => {
    h.sim.configure({ faults: { resetAfterAct: 0.3 }, seed: 7 });
    let runs = 0;
    for (;;) {
      runs++;
      try {
        await createCluster(h.createOptions());
        break;
      } catch (e) {
        if (runs > 30) throw e;
      }
    }
    h.sim.configure({ faults: { resetAfterAct: 0 } });
    // the answers really were lost (each one is found again, in the same run or the next)
    const lost = h.sim.requestLog.filter((e) => e.faults?.includes('resetAfterAct'));
    expect(lost.length).toBeGreaterThan(3);
    expect(runs).toBeLessThanOrEqual(lost.length + 1);
    const tag = clusterTag('demo');
    expect(await h.clients.nova.servers.listByTag(tag)).toHaveLength(8);
    expect(await h.clients.neutron.ports.list({ tags: [tag] })).toHaveLength(9);
    expect(await h.clients.neutron.securityGroups.list({ tags: [tag] })).toHaveLength(3);
  });
});
