// Simulator scale: fills an in-process simulator (dist/sim) with 1,000 servers and 3,000 ports through
// its HTTP API, then times filtered lists over loopback. Target: a filtered list well under 50 ms.
// Run alone with `node bench/sim-scale.js` (after `npm run build`) or as part of `npm run bench`.
'use strict';
/* global fetch -- Node 20's built-in */
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const SERVERS = 1000;
const PORTS_PER_SERVER = 3;
const CONCURRENCY = 16;
const SAMPLES = 50;
// servers and their ports carry one of CLUSTERS tags, so a tag filter matches a realistic share
const CLUSTERS = 20;
const COMPUTE_VERSION = { 'OpenStack-API-Version': 'compute 2.52' };

function simModule() {
  try {
    return require(path.join(__dirname, '..', 'dist', 'sim', 'index.js'));
  } catch (e) {
    throw new Error(`dist/sim is not built (npm run build): ${e.message}`);
  }
}

/** A JSON client for the simulator's OpenStack port that holds one token. */
function client(base) {
  let token;
  async function call(method, url, body, headers = {}) {
    const h = { ...headers };
    if (token) h['x-auth-token'] = token;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(base + url, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }
  async function login() {
    const r = await call('POST', '/identity/v3/auth/tokens', {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'secret' } },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    });
    token = r.headers.get('x-subject-token');
    return r.body.token.project.id;
  }
  return { call, login };
}

/** Runs `task(i)` for i in [0, n) with at most `limit` in flight. */
async function pool(n, limit, task) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n) await task(next++);
  });
  await Promise.all(workers);
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * Median and p95 (ms) of SAMPLES sequential calls as the client sees them, the simulator's own median
 * (its request log: arrival to answer, whole ms), and the size of the last answer.
 */
async function timeList(sim, api, urlFor, headers) {
  const times = [];
  const serverTimes = [];
  let items = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const url = urlFor(i);
    const t0 = performance.now();
    const r = await api.call('GET', url, undefined, headers);
    times.push(performance.now() - t0);
    serverTimes.push(sim.requestLog.at(-1).durationMs);
    const list = r.body.ports ?? r.body.servers ?? [];
    items = list.length;
  }
  times.sort((a, b) => a - b);
  serverTimes.sort((a, b) => a - b);
  return {
    median: quantile(times, 0.5),
    p95: quantile(times, 0.95),
    server: quantile(serverTimes, 0.5),
    items,
  };
}

async function simScale() {
  const { startSimulator } = simModule();
  const sim = await startSimulator({ host: '127.0.0.1', port: 0, nsxtPort: 0, nsxvPort: 0 });
  try {
    const api = client(sim.urls.openstack);
    const project = await api.login();
    // lift the quotas the seeded project has, as an operator would for a big tenant
    await api.call('PUT', `/network/v2.0/quotas/${project}`, {
      quota: { port: -1, network: -1, subnet: -1 },
    });
    await api.call('PUT', `/compute/v2.1/os-quota-sets/${project}`, {
      quota_set: { instances: -1, cores: -1, ram: -1 },
    });
    const flavor = (await api.call('GET', '/compute/v2.1/flavors')).body.flavors.find(
      (f) => f.name === 'm1.tiny',
    );
    const image = (await api.call('GET', '/image/v2/images?name=cirros')).body.images[0];

    // three networks, one per NIC, each with a /20 so 1,000 ports fit
    const networks = [];
    for (let n = 0; n < PORTS_PER_SERVER; n++) {
      const net = (await api.call('POST', '/network/v2.0/networks', { network: { name: `scale-${n}` } })).body
        .network;
      await api.call('POST', '/network/v2.0/subnets', {
        subnet: { network_id: net.id, ip_version: 4, cidr: `10.${100 + n}.0.0/20`, name: `scale-${n}` },
      });
      networks.push(net.id);
    }

    const fillStart = performance.now();
    const portIds = new Array(SERVERS * PORTS_PER_SERVER);
    await pool(SERVERS * PORTS_PER_SERVER, CONCURRENCY, async (i) => {
      const server = Math.floor(i / PORTS_PER_SERVER);
      const r = await api.call('POST', '/network/v2.0/ports', {
        port: {
          network_id: networks[i % PORTS_PER_SERVER],
          name: `scale-${server}-${i % PORTS_PER_SERVER}`,
          tags: [`cluster-${server % CLUSTERS}`],
        },
      });
      portIds[i] = r.body.port.id;
    });
    const portsDone = performance.now();
    const serverIds = new Array(SERVERS);
    await pool(SERVERS, CONCURRENCY, async (s) => {
      const nics = portIds.slice(s * PORTS_PER_SERVER, (s + 1) * PORTS_PER_SERVER).map((port) => ({ port }));
      const r = await api.call(
        'POST',
        '/compute/v2.1/servers',
        {
          server: {
            name: `scale-${s}`,
            flavorRef: flavor.id,
            imageRef: image.id,
            networks: nics,
            tags: [`cluster-${s % CLUSTERS}`],
          },
        },
        COMPUTE_VERSION,
      );
      serverIds[s] = r.body.server.id;
    });
    const serversDone = performance.now();

    const pick = (i) => serverIds[(i * 7919) % SERVERS];
    const lists = [
      ['GET /v2.0/ports?device_id=…', (i) => `/network/v2.0/ports?device_id=${pick(i)}`],
      ['GET /v2.0/ports?tags=…', (i) => `/network/v2.0/ports?tags=cluster-${i % CLUSTERS}`],
      [
        'GET /v2.0/ports?network_id=…&fields=id',
        (i) => `/network/v2.0/ports?network_id=${networks[i % PORTS_PER_SERVER]}&fields=id`,
      ],
      [
        'GET /v2.0/ports?device_id=…&fields=id&fields=fixed_ips',
        (i) => `/network/v2.0/ports?device_id=${pick(i)}&fields=id&fields=fixed_ips`,
      ],
      [
        'GET /servers/detail?tags=… (2.52)',
        (i) => `/compute/v2.1/servers/detail?tags=cluster-${i % CLUSTERS}`,
      ],
      ['GET /servers?name=^scale-42$', () => `/compute/v2.1/servers?name=%5Escale-42%24`],
      ['GET /servers/detail (unfiltered, Nova default page)', () => `/compute/v2.1/servers/detail`],
      ['GET /v2.0/ports (unfiltered)', () => `/network/v2.0/ports`],
    ];
    const rows = [];
    for (const [name, urlFor] of lists) {
      const r = await timeList(sim, api, urlFor, urlFor(0).startsWith('/compute') ? COMPUTE_VERSION : {});
      rows.push(`| ${name} | ${r.items} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.server} |`);
    }
    const load = os.loadavg()[0].toFixed(1);
    return [
      `## Simulator scale (${SERVERS} servers, ${SERVERS * PORTS_PER_SERVER} ports, over loopback HTTP)`,
      '',
      `Fill through the API, ${CONCURRENCY} requests in flight: ${SERVERS * PORTS_PER_SERVER} port creates in ${((portsDone - fillStart) / 1000).toFixed(1)} s, ` +
        `${SERVERS} server creates (three port NICs each) in ${((serversDone - portsDone) / 1000).toFixed(1)} s. ` +
        `Each list below: ${SAMPLES} sequential requests, client-side time including JSON parsing; load average ${load} when done.`,
      '',
      '| request | items returned | median ms | p95 ms | simulator median ms |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      'Target: a filtered list well under 50 ms.',
    ].join('\n');
  } finally {
    await sim.stop();
  }
}

module.exports = { simScale };

if (require.main === module) {
  simScale().then(
    (md) => process.stdout.write(md + '\n'),
    (e) => {
      process.stderr.write(`sim-scale failed: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
