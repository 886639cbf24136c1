/**
 * NeutronSim's in-process surface: the SimNeutronApi Nova uses (bind, unbind, server ports) and
 * snapshot/restore as plain JSON.
 */
import { Router } from '../../../src/sim/framework';
import { NeutronFault, NeutronSim } from '../../../src/sim/neutron';
import { startNeutron, type Json, type NeutronHarness } from '../../helpers/neutron-harness';

let h: NeutronHarness;
let net: Json;
beforeAll(async () => {
  h = await startNeutron();
  net = (await h.api('POST', '/v2.0/networks', { network: { name: 'nova-net' } })).body.network;
  await h.api('POST', '/v2.0/subnets', {
    subnet: { network_id: net.id, cidr: '10.30.0.0/24', ip_version: 4 },
  });
});
afterAll(async () => h.stop());

describe('SimNeutronApi', () => {
  it('binds a pre-created port to a server: owner, host, ACTIVE, and an update event', async () => {
    const port = (await h.api('POST', '/v2.0/ports', { port: { network_id: net.id, name: 'nic0' } })).body
      .port;
    expect(h.neutron.getPort(port.id)).toMatchObject({ id: port.id, status: 'DOWN', device_id: '' });
    h.events.length = 0;
    h.neutron.bindPort(port.id, 'server-1', 'nova');
    const shown = (await h.api('GET', `/v2.0/ports/${port.id}`)).body.port;
    expect(shown).toMatchObject({
      device_id: 'server-1',
      device_owner: 'compute:nova',
      status: 'ACTIVE',
      'binding:vif_type': 'ovs',
      'binding:host_id': expect.stringMatching(/.+/),
    });
    expect(h.events).toEqual([
      { name: 'port.updated', payload: { port: expect.objectContaining({ id: port.id, status: 'ACTIVE' }) } },
    ]);
  });

  it('refuses to bind a port another server holds', async () => {
    const port = (await h.api('POST', '/v2.0/ports', { port: { network_id: net.id } })).body.port;
    h.neutron.bindPort(port.id, 'server-a', 'nova');
    let caught: unknown;
    try {
      h.neutron.bindPort(port.id, 'server-b', 'nova');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NeutronFault);
    expect(caught).toMatchObject({ status: 409, type: 'PortInUse' });
    expect(() => h.neutron.bindPort('missing', 'server-b', 'nova')).toThrow(
      'Port missing could not be found.',
    );
  });

  it('unbinds a port: device cleared, DOWN', async () => {
    const port = (await h.api('POST', '/v2.0/ports', { port: { network_id: net.id } })).body.port;
    h.neutron.bindPort(port.id, 'server-2', 'nova');
    h.neutron.unbindPort(port.id);
    expect((await h.api('GET', `/v2.0/ports/${port.id}`)).body.port).toMatchObject({
      device_id: '',
      device_owner: '',
      status: 'DOWN',
      'binding:host_id': '',
      'binding:vif_type': 'unbound',
    });
    expect(h.neutron.portsOfDevice('server-2')).toEqual([]);
  });

  it('creates and deletes server ports; portsOfDevice lists them in creation order', async () => {
    const a = h.neutron.createServerPort(net.id, 'server-3', h.adminProject);
    const b = h.neutron.createServerPort(net.id, 'server-3', h.adminProject);
    expect(a).toMatchObject({
      network_id: net.id,
      device_id: 'server-3',
      project_id: h.adminProject,
      fixed_ips: [expect.any(Object)],
    });
    h.neutron.bindPort(b.id, 'server-3', 'nova');
    h.neutron.bindPort(a.id, 'server-3', 'nova');
    expect(h.neutron.portsOfDevice('server-3').map((p) => p.id)).toEqual([a.id, b.id]);
    h.neutron.deletePort(a.id);
    expect(h.neutron.getPort(a.id)).toBeUndefined();
    expect((await h.api('GET', `/v2.0/ports/${a.id}`)).status).toBe(404);
    expect(() => h.neutron.createServerPort('missing-net', 's', h.adminProject)).toThrow(NeutronFault);
  });

  it('describes networks for Nova', () => {
    expect(h.neutron.getNetwork(net.id)).toEqual({
      id: net.id,
      name: 'nova-net',
      project_id: h.adminProject,
      'router:external': false,
    });
    expect(h.neutron.getNetwork('missing')).toBeUndefined();
  });
});

describe('snapshot and restore', () => {
  it('round-trips through JSON and keeps allocations, indexes and quotas working', async () => {
    await h.api('PUT', `/v2.0/quotas/${h.adminProject}`, { quota: { router: 3 } });
    const port = (
      await h.api('POST', '/v2.0/ports', {
        port: { network_id: net.id, device_id: 'vm-snap', fixed_ips: [{ ip_address: '10.30.0.200' }] },
      })
    ).body.port;
    const text = JSON.stringify(h.neutron.snapshot());

    const restored = new NeutronSim();
    restored.register(new Router(), h.sim);
    restored.restore(JSON.parse(text));
    expect(JSON.stringify(restored.snapshot())).toBe(text);
    expect(restored.portsOfDevice('vm-snap').map((p) => p.id)).toEqual([port.id]);
    expect(restored.getPort(port.id)?.fixed_ips).toEqual([
      { subnet_id: expect.any(String), ip_address: '10.30.0.200' },
    ]);

    // the restored IPAM knows 10.30.0.200 is taken
    h.neutron.restore(JSON.parse(text));
    const clash = await h.api('POST', '/v2.0/ports', {
      port: { network_id: net.id, fixed_ips: [{ ip_address: '10.30.0.200' }] },
    });
    expect(clash.status).toBe(409);
    expect((await h.api('GET', `/v2.0/quotas/${h.adminProject}`)).body.quota.router).toBe(3);
  });

  it('rejects data that is not a Neutron snapshot', () => {
    expect(() => new NeutronSim().restore({ nope: true })).toThrow(/not a Neutron snapshot/);
  });
});
