/**
 * Quotas too small and a cloud that changes under a run: the preflight refuses before any change,
 * naming every shortfall (nsx-t's floating IPs, routers and networks; nsx-v's routers and instances;
 * vds is covered in test/integration/provision/vds-failures.test.ts), and an image or flavor deleted
 * mid-run gives a clear error naming it; once it is back, running create again finishes the cluster.
 */
import { clusterTag } from '../../src/core/names';
import { OperationError, ViokError } from '../../src/core/errors';
import { createCluster } from '../../src/provision/create';
import { PreflightError } from '../../src/provision/preflight';
import type { RequestLogEntry } from '../../src/sim';
import { backends, duplicateObjects, simObjects, startRig, type Rig } from '../helpers/rig';

async function setNeutronQuota(rig: Rig, quota: Record<string, number>): Promise<void> {
  const r = await rig.sim.api('PUT', `/network/v2.0/quotas/${rig.sim.sim.defaultProjectId}`, {
    body: { quota },
  });
  expect(r.status).toBe(200);
}

async function refusal(rig: Rig): Promise<PreflightError> {
  const from = rig.sim.requestLog.length;
  const error = await createCluster(rig.createOptions()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PreflightError);
  expect((error as PreflightError).exitCode).toBe(1);
  expect(rig.mutations(from)).toEqual([]);
  expect(simObjects(rig.sim, rig.cluster)).toEqual([]);
  return error as PreflightError;
}

describe('quotas too small: refused before anything is created', () => {
  it('nsx-t: floating IPs, routers and networks, each named', async () => {
    const rig = await startRig('nsx-t');
    try {
      await setNeutronQuota(rig, { floatingip: 0, router: 1, network: 2, subnet: 50 });
      const error = await refusal(rig);
      const messages = error.problems.map((p) => p.message);
      expect(messages).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Neutron floating IPs: the cluster needs 4 more, but \d+ of 0 are used/),
          expect.stringMatching(/^Neutron routers: the cluster needs 2 more, but \d+ of 1 are used/),
          expect.stringMatching(/^Neutron networks: the cluster needs 3 more, but \d+ of 2 are used/),
        ]),
      );
      expect(messages).toHaveLength(3);
      expect(error.message).toContain('nothing was created');
    } finally {
      await rig.close();
    }
  });

  it('nsx-v: its router and Nova instances and cores, each named', async () => {
    const rig = await startRig('nsx-v');
    try {
      await setNeutronQuota(rig, { router: 0 });
      const r = await rig.sim.api('PUT', `/compute/v2.1/os-quota-sets/${rig.sim.sim.defaultProjectId}`, {
        body: { quota_set: { instances: 2, cores: 4 } },
      });
      expect(r.status).toBe(200);
      const error = await refusal(rig);
      expect(error.problems.map((p) => p.message)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Nova instances: the cluster needs 3 more, but 0 of 2 are used/),
          expect.stringMatching(/^Nova cores: the cluster needs \d+ more, but 0 of 4 are used/),
          expect.stringMatching(/^Neutron routers: the cluster needs 1 more, but 0 of 0 are used/),
        ]),
      );
    } finally {
      await rig.close();
    }
  });
});

/** Runs `act` (once) when the simulator logs the first request `when` picks. */
function onFirst(rig: Rig, when: (e: RequestLogEntry) => boolean, act: () => void): void {
  const log = rig.sim.requestLog;
  const push = log.push.bind(log);
  let done = false;
  log.push = (...entries) => {
    if (!done && entries.some(when)) {
      done = true;
      act();
    }
    return push(...entries);
  };
}

/** The first port created: by then the networks exist and no server has been booted. */
const firstPortCreated = (e: RequestLogEntry): boolean =>
  e.method === 'POST' && e.path.endsWith('/v2.0/ports') && e.status === 201;

interface GlanceState {
  images: { id: string; name: string }[];
}
interface NovaState {
  flavors: { id: string; name: string }[];
}

describe.each(backends)('%s: an image or flavor deleted mid-run', (backend) => {
  it('fails naming the image, then finishes once it is back', async () => {
    const rig = await startRig(backend);
    try {
      const glance = rig.sim.services.glance.snapshot() as GlanceState;
      const image = glance.images.find((i) => i.name === rig.spec.spec.image);
      if (!image) throw new Error('the simulator has no image named like the spec');
      onFirst(rig, firstPortCreated, () => {
        glance.images = glance.images.filter((i) => i !== image);
      });
      const error = await createCluster(rig.createOptions()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ViokError);
      expect((error as ViokError).exitCode).toBe(1);
      const message = (error as Error).message;
      expect(message).toContain(`image "${rig.spec.spec.image}" (${image.id}) is no longer in Glance`);
      expect(message).toContain('run viok create cluster again');
      expect(message).not.toMatch(/\n\s+at /);
      expect(rig.sim.services.nova.servers.filter((s) => s.deleted_at === undefined)).toEqual([]);

      glance.images.push(image);
      await createCluster(rig.createOptions());
      const objects = simObjects(rig.sim, rig.cluster);
      expect(duplicateObjects(objects)).toEqual([]);
      expect(objects.filter((o) => o.where === 'nova.servers')).toHaveLength(
        (await rig.clients.nova.servers.listByTag(clusterTag(rig.cluster))).length,
      );
      expect(objects.filter((o) => o.where.startsWith('neutron.') && !o.tagged)).toEqual([]);
    } finally {
      await rig.close();
    }
  });
});

describe('a flavor deleted mid-run', () => {
  it('fails naming the flavor, then finishes once it is back', async () => {
    const rig = await startRig('vds');
    try {
      const nova = rig.sim.services.nova.snapshot() as NovaState;
      const name = rig.spec.spec.workers.flavor;
      const flavor = nova.flavors.find((f) => f.name === name);
      if (!flavor) throw new Error(`the simulator has no flavor ${name}`);
      onFirst(rig, firstPortCreated, () => {
        nova.flavors = nova.flavors.filter((f) => f !== flavor);
      });
      const error = await createCluster(rig.createOptions()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationError);
      const message = (error as Error).message;
      expect(message).toContain(`flavor "${name}" (${flavor.id}) is no longer in Nova`);
      expect(message).not.toContain('is no longer in Glance');

      nova.flavors.push(flavor);
      const result = await createCluster(rig.createOptions());
      expect(result.outputs?.nodes.map((n) => n.name).sort()).toEqual(
        [
          `${rig.cluster}-cp-1`,
          `${rig.cluster}-lb-1`,
          `${rig.cluster}-lb-2`,
          `${rig.cluster}-worker-1`,
          `${rig.cluster}-worker-2`,
        ].sort(),
      );
      expect(duplicateObjects(simObjects(rig.sim, rig.cluster))).toEqual([]);
    } finally {
      await rig.close();
    }
  });
});
