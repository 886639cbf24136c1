// nsx-plugin-double.mjs - TEST DOUBLE of VIO's Neutron NSX-T plugin, for e2e-nsxt.sh.
//
// On VIO with NSX-T, Neutron's plugin (vmware-nsx, nsxlib) backs every Neutron network with an NSX
// logical switch tagged `os-neutron-net-id=<network id>` and every Neutron port with a logical port whose
// VIF attachment id is the Neutron port id. viok relies on both: its NSX-T preflight compares the
// transport zone of the plugin's switches, and it tags the logical port of each node's pod NIC for NCP
// (provision/backends/nsx-t/port-tags.ts, found by attachment id). The lab's Neutron is plain ML2, with
// no NSX behind it, and NSX-T has no free server, so viok's own NSX-T simulator stands in for the
// manager and this loop stands in for the plugin: every second it mirrors the lab's networks and ports
// tagged `viok-cluster=<cluster>` into the simulator (create what is new, delete what Neutron no longer
// has, as the plugin does on port/network delete). It prints one line per change.
//
//   env: NEUTRON_URL, OS_TOKEN (a lab token), VIOK_NSXT_URL, VIOK_NSXT_USERNAME, VIOK_NSXT_PASSWORD,
//        VIOK_NSX_CA_FILE, CLUSTER, TRANSPORT_ZONE (display name, default overlay-tz)
//   runs until killed (SIGTERM).
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

const env = (k, d) => {
  const v = process.env[k] ?? d;
  if (v === undefined) throw new Error(`nsx-plugin-double: ${k} is not set`);
  return v;
};
const neutronUrl = env('NEUTRON_URL').replace(/\/$/, '');
const token = env('OS_TOKEN');
const nsxUrl = new URL(env('VIOK_NSXT_URL'));
const auth =
  'Basic ' + Buffer.from(`${env('VIOK_NSXT_USERNAME')}:${env('VIOK_NSXT_PASSWORD')}`).toString('base64');
const agent = new Agent({ ca: readFileSync(env('VIOK_NSX_CA_FILE')) });
const cluster = env('CLUSTER');
const zoneName = env('TRANSPORT_ZONE', 'overlay-tz');
const log = (m) => console.log(`[nsx-plugin-double ${new Date().toISOString().slice(11, 19)}] ${m}`);

async function neutron(path) {
  const res = await fetch(`${neutronUrl}${path}`, { headers: { 'X-Auth-Token': token } });
  if (!res.ok) throw new Error(`Neutron GET ${path}: ${res.status}`);
  return res.json();
}

function nsx(method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: nsxUrl.hostname,
        port: nsxUrl.port,
        path: `/api/v1${path}`,
        method,
        agent,
        headers: {
          Authorization: auth,
          'Content-Type': 'application/json',
          ...(data ? { 'Content-Length': Buffer.byteLength(data) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          res.statusCode >= 300
            ? reject(new Error(`NSX ${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`))
            : resolve(text ? JSON.parse(text) : undefined),
        );
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

async function nsxList(path) {
  const out = [];
  let cursor;
  do {
    const page = await nsx('GET', `${path}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...(page.results ?? []));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

const tagOf = (o, scope) => (o.tags ?? []).find((t) => t.scope === scope)?.tag;

async function sync(zoneId) {
  const nets = (await neutron(`/v2.0/networks?tags=viok-cluster=${cluster}`)).networks;
  const switches = (await nsxList('/logical-switches')).filter((s) => tagOf(s, 'os-neutron-net-id'));
  const lports = (await nsxList('/logical-ports')).filter((p) => tagOf(p, 'os-neutron-port-id'));
  const switchOf = new Map(switches.map((s) => [tagOf(s, 'os-neutron-net-id'), s]));
  const netIds = new Set(nets.map((n) => n.id));
  const portIds = new Set();
  for (const net of nets) {
    let ls = switchOf.get(net.id);
    if (!ls) {
      ls = await nsx('POST', '/logical-switches', {
        display_name: `${net.name}_${net.id.slice(0, 8)}`,
        transport_zone_id: zoneId,
        admin_state: 'UP',
        replication_mode: 'MTEP',
        tags: [
          { scope: 'os-neutron-net-id', tag: net.id },
          { scope: 'os-project-id', tag: net.project_id },
        ],
      });
      switchOf.set(net.id, ls);
      log(`logical switch ${ls.id} for network ${net.name}`);
    }
    const ports = (await neutron(`/v2.0/ports?network_id=${net.id}`)).ports;
    for (const port of ports) {
      portIds.add(port.id);
      if (lports.some((p) => p.attachment?.id === port.id)) continue;
      const lp = await nsx('POST', '/logical-ports', {
        display_name: port.name || port.id,
        logical_switch_id: ls.id,
        admin_state: 'UP',
        attachment: { attachment_type: 'VIF', id: port.id },
        address_bindings: port.fixed_ips.map((ip) => ({
          ip_address: ip.ip_address,
          mac_address: port.mac_address,
        })),
        tags: [
          { scope: 'os-neutron-port-id', tag: port.id },
          { scope: 'os-project-id', tag: port.project_id },
        ],
      });
      log(`logical port ${lp.id} for port ${port.name || port.id} (${port.device_owner || 'unbound'})`);
    }
  }
  // what Neutron no longer has, the plugin deletes (viok's tags on a port do not keep it)
  for (const lp of lports) {
    if (portIds.has(tagOf(lp, 'os-neutron-port-id'))) continue;
    await nsx('DELETE', `/logical-ports/${lp.id}?detach=true`);
    log(`deleted logical port ${lp.id} (Neutron port gone)`);
  }
  for (const ls of switches) {
    if (netIds.has(tagOf(ls, 'os-neutron-net-id'))) continue;
    await nsx('DELETE', `/logical-switches/${ls.id}?cascade=true&detach=true`);
    log(`deleted logical switch ${ls.id} (Neutron network gone)`);
  }
}

const zones = await nsxList('/transport-zones');
const zone = zones.find((z) => z.display_name === zoneName || z.id === zoneName);
if (!zone) throw new Error(`nsx-plugin-double: no transport zone ${zoneName} on ${nsxUrl}`);
log(
  `mirroring Neutron networks and ports tagged viok-cluster=${cluster} into ${nsxUrl.origin} (zone ${zone.id})`,
);
let stop = false;
process.on('SIGTERM', () => (stop = true));
process.on('SIGINT', () => (stop = true));
while (!stop) {
  try {
    await sync(zone.id);
  } catch (e) {
    log(`sync failed (retrying): ${e.message}`);
  }
  await new Promise((r) => setTimeout(r, 1000));
}
