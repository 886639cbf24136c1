/**
 * Scale check: 1,000 servers with 3 ports each (3,000 ports) and the filtered lists viok and the
 * NSX-T mirror make. Timings are printed for the benchmark notes; the bound only catches
 * accidental quadratic work, the target is well under 50 ms.
 */
import { startNeutron, type Json, type NeutronHarness } from '../../helpers/neutron-harness';

let h: NeutronHarness;
let netIds: string[];
beforeAll(async () => {
  h = await startNeutron();
  await h.api('PUT', `/v2.0/quotas/${h.adminProject}`, { quota: { port: -1 } });
  netIds = [];
  for (let i = 0; i < 3; i++) {
    const n = (await h.api('POST', '/v2.0/networks', { network: { name: `scale-${i}` } })).body.network;
    await h.api('POST', '/v2.0/subnets', {
      subnet: { network_id: n.id, cidr: `10.${100 + i}.0.0/20`, ip_version: 4 },
    });
    netIds.push(n.id);
  }
});
afterAll(async () => h.stop());

/**
 * Median wall time and CPU time (of this process, which runs client and server, and which machine
 * load inflates less) over five calls after three warm-ups, as a long-running simulator would answer.
 */
async function timed(path: string): Promise<{ ms: number; cpuMs: number; body: Json }> {
  for (let i = 0; i < 3; i++) await h.api('GET', path);
  const walls: number[] = [];
  const cpus: number[] = [];
  let body: Json = {};
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const r = await h.api('GET', path);
    const used = process.cpuUsage(cpu);
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    cpus.push((used.user + used.system) / 1000);
    expect(r.status).toBe(200);
    body = r.body;
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[2] as number;
  return { ms: median(walls), cpuMs: median(cpus), body };
}

it('holds 3,000 ports and answers filtered lists quickly', async () => {
  const createStart = process.hrtime.bigint();
  for (let s = 0; s < 1000; s++) {
    for (const net of netIds) h.neutron.createServerPort(net, `server-${s}`, h.adminProject);
    // yield now and then, so idle keep-alive sockets are closed cleanly rather than mid-request
    if (s % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const createMs = Number(process.hrtime.bigint() - createStart) / 1e6;
  const all = await timed('/v2.0/ports?fields=id');
  expect(all.body.ports.length).toBeGreaterThanOrEqual(3000);

  const target = h.neutron.portsOfDevice('server-777')[1];
  const cases: [string, string, number][] = [
    ['device_id', '/v2.0/ports?device_id=server-777', 3],
    ['network_id + device_id', `/v2.0/ports?network_id=${netIds[1]}&device_id=server-777`, 1],
    [
      'fixed_ips ip_address (full scan)',
      `/v2.0/ports?fixed_ips=ip_address%3D${target?.fixed_ips[0]?.ip_address}`,
      1,
    ],
    ['device_owner + name (full scan)', '/v2.0/ports?device_owner=compute:nova&name=nothing-matches', 0],
    ['network_id page of 100', `/v2.0/ports?network_id=${netIds[2]}&limit=100`, 100],
  ];
  const lines = [
    `created 3,000 ports in ${createMs.toFixed(1)} ms; unfiltered list of ids ${all.ms.toFixed(1)} ms`,
  ];
  for (const [label, path, count] of cases) {
    const { ms, cpuMs, body } = await timed(path);
    expect(body.ports).toHaveLength(count);
    lines.push(`${label}: ${ms.toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms CPU`);
  }
  console.log(`neutron scale (3,000 ports):\n  ${lines.join('\n  ')}`);
});
