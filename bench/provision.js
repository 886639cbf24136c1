// Provisioning benchmark: the real `bin/viok create cluster` and `delete cluster` (child processes) against
// a simulator with realistic latency, at 3+3, 3+30 and 3+100 workers on vds and nsx-t, next to the
// critical-path lower bound of the same graph and (when bench/peer.js exists) the openstack-CLI script.
// Run alone with `node bench/provision.js [--scale N] [--quick] [--full] [--no-peer]` after
// `npm run build`, or as part of `npm run bench`. Figures, never pass/fail.
'use strict';
/* global fetch, Buffer, AbortController -- Node 20 built-ins */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { linePlot } = require('./svg-plot.js');

const root = path.resolve(__dirname, '..');
const dist = (m) => path.join(root, 'dist', m);

/** Realistic VIO figures before scaling: per API call, and per server build. */
const BASE_LATENCY_MS = 30;
const BASE_BUILD_MS = 20_000;
const SIZES = [
  { controlPlane: 3, workers: 3, lbNodes: 2 },
  { controlPlane: 3, workers: 30, lbNodes: 2 },
  { controlPlane: 3, workers: 100, lbNodes: 2 },
];
const BACKENDS = ['vds', 'nsx-t', 'nsx-v'];
/** nsx-v's Edge balances at most 32 workers (the seed): 3+3 and 3+30 only. */
const NSXV_MAX_WORKERS = 32;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// ---------------------------------------------------------------------------------------------------
// options

/** Options from argv and the environment (VIOK_BENCH_SCALE, VIOK_BENCH_QUICK, VIOK_BENCH_FULL, ...). */
function benchOptions(argv = process.argv.slice(2), env = process.env) {
  const flag = (name) => argv.includes(`--${name}`);
  const value = (name) => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    return argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  };
  const quick = flag('quick') || env.VIOK_BENCH_QUICK === '1';
  const scale = Number(value('scale') ?? env.VIOK_BENCH_SCALE ?? (quick ? 20 : 1));
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, not ${value('scale')}`);
  const latencyMs = Number(value('latency') ?? env.VIOK_BENCH_LATENCY_MS ?? BASE_LATENCY_MS) / scale;
  const buildMs = Number(value('build-time') ?? env.VIOK_BENCH_BUILD_MS ?? BASE_BUILD_MS) / scale;
  const onlyBackend = value('backend') ?? env.VIOK_BENCH_BACKEND;
  const backends = onlyBackend ? onlyBackend.split(',') : BACKENDS;
  const maxWorkers = Number(value('max-workers') ?? env.VIOK_BENCH_MAX_WORKERS ?? Infinity);
  return {
    quick,
    scale,
    latencyMs,
    buildMs,
    backends,
    sizes: quick ? SIZES.slice(0, 1) : SIZES.filter((s) => s.workers <= maxWorkers),
    // --quick is CI's smoke run: no peer (a minute or more of openstack commands) unless --peer
    peer: quick
      ? flag('peer') || env.VIOK_BENCH_PEER === '1'
      : !(flag('no-peer') || env.VIOK_BENCH_PEER === '0'),
    /** The peer is slow (about a second per openstack command): 3+100 only with --full. */
    peerMaxWorkers: flag('full') || env.VIOK_BENCH_FULL === '1' ? Infinity : 30,
    log: (line) => process.stderr.write(`[provision] ${line}\n`),
  };
}

// ---------------------------------------------------------------------------------------------------
// the simulator, its quotas, the files a client needs

function simModule() {
  try {
    return require(dist('sim/index.js'));
  } catch (e) {
    throw new Error(`dist/ is not built (npm run build): ${e.message}`);
  }
}

/** Signs in as the seeded admin and lifts every quota, as an operator does for a big tenant. */
async function liftQuotas(sim) {
  const s = simModule();
  const base = sim.urls.openstack;
  const auth = await fetch(`${base}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: s.SEED_USER, domain: { name: s.SEED_DOMAIN_NAME }, password: s.SEED_PASSWORD },
          },
        },
        scope: { project: { name: s.SEED_PROJECT, domain: { name: s.SEED_DOMAIN_NAME } } },
      },
    }),
  });
  const token = auth.headers.get('x-subject-token');
  const project = (await auth.json()).token.project.id;
  const put = async (url, body) => {
    const r = await fetch(base + url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify(body),
    });
    if (r.status >= 400) throw new Error(`PUT ${url}: ${r.status} ${await r.text()}`);
  };
  const unlimited = [
    'port',
    'network',
    'subnet',
    'router',
    'floatingip',
    'security_group',
    'security_group_rule',
  ];
  await put(`/network/v2.0/quotas/${project}`, { quota: Object.fromEntries(unlimited.map((k) => [k, -1])) });
  await put(`/compute/v2.1/os-quota-sets/${project}`, { quota_set: { instances: -1, cores: -1, ram: -1 } });
}

/** A simulator with every quota lifted, then the benchmark's latency and build time. */
async function startBenchSim(config) {
  const { startSimulator } = simModule();
  const sim = await startSimulator({ host: '127.0.0.1', port: 0, nsxtPort: 0, nsxvPort: 0 });
  await liftQuotas(sim);
  sim.configure({ latencyMs: config.latencyMs, serverBuildMs: config.buildMs });
  sim.requestLog.length = 0;
  return sim;
}

/** clouds.yaml, the CA and the NSX variables for `sim`, in `dir`; the environment a child needs. */
function connectionFiles(sim, dir) {
  const s = simModule();
  const files = s.writeConnectionFiles(sim, path.join(dir, 'clouds.yaml'));
  const env = {
    ...s.nsxEnvironment(sim.urls, files.caFile, files.cloudsYaml),
    HOME: dir,
    XDG_STATE_HOME: path.join(dir, 'state'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
  };
  return { ...files, cloudName: s.SIM_CLOUD_NAME, env };
}

/** The example spec of `backend`, resized, pointed at the simulator's NSX Manager where it has one. */
function writeSpec(backend, size, files, dir) {
  const yaml = require('yaml');
  const example = backend === 'nsx-t' ? 'nsx-t.yaml' : backend === 'nsx-v' ? 'nsx-v.yaml' : 'vds.yaml';
  const spec = yaml.parse(fs.readFileSync(path.join(root, 'examples', example), 'utf8'));
  const name = `bench-${backend.replace('-', '')}-${size.workers}`;
  spec.metadata.name = name;
  spec.spec.cloud = files.cloudName;
  spec.spec.controlPlane.count = size.controlPlane;
  spec.spec.workers.count = size.workers;
  // nsx-v balances on the NSX Edge: it has no load-balancer nodes
  if (spec.spec.loadBalancer?.nodes) spec.spec.loadBalancer.nodes.count = size.lbNodes;
  if (spec.spec.nsxt) {
    spec.spec.nsxt.managers = [files.env.VIOK_NSXT_URL];
    spec.spec.nsxt.username = files.env.VIOK_NSXT_USERNAME;
    spec.spec.nsxt.password = { env: 'VIOK_NSXT_PASSWORD' };
    spec.spec.nsxt.caFile = files.caFile;
  }
  if (spec.spec.nsxv) {
    spec.spec.nsxv.manager = files.env.VIOK_NSXV_URL;
    spec.spec.nsxv.username = files.env.VIOK_NSXV_USERNAME;
    spec.spec.nsxv.password = { env: 'VIOK_NSXV_PASSWORD' };
    spec.spec.nsxv.caFile = files.caFile;
  }
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(spec, null, 2));
  return { file, name };
}

// ---------------------------------------------------------------------------------------------------
// running viok

const haveTime = fs.existsSync('/usr/bin/time');
/** Without GNU time, a preload prints the peak RSS (KiB) as the process exits. */
const RSS_PRELOAD = path.join(os.tmpdir(), `viok-bench-rss-${process.pid}.js`);

/** Runs bin/viok as a user's shell does (its #! line picks Node and its flags); wall time (ms), peak RSS (KiB), exit code, stdout and stderr. */
function runViok(args, { cwd, env }) {
  // VIOK_BENCH_NODE_ARGS: more Node flags for the viok process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeOptions = [process.env.VIOK_BENCH_NODE_ARGS ?? ''];
  const viok = path.join(root, 'bin', 'viok');
  let cmd;
  let argv;
  if (haveTime) {
    cmd = '/usr/bin/time';
    argv = ['-f', 'VIOK_BENCH_MAXRSS_KB=%M', viok, ...args];
  } else {
    fs.writeFileSync(
      RSS_PRELOAD,
      "process.on('exit', () => process.stderr.write(`\\nVIOK_BENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\\n`));\n",
    );
    nodeOptions.push(`--require ${RSS_PRELOAD}`);
    cmd = viok;
    argv = args;
  }
  const NODE_OPTIONS = nodeOptions.filter(Boolean).join(' ');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, {
      cwd,
      // the Node that runs the bench first on PATH, so that the #! line finds the same one
      env: {
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
        ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      const stderr = Buffer.concat(err).toString('utf8');
      const m = /VIOK_BENCH_MAXRSS_KB=(\d+)/.exec(stderr);
      resolve({
        code,
        wallMs,
        maxRssKb: m ? Number(m[1]) : undefined,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: stderr.replace(/\n?VIOK_BENCH_MAXRSS_KB=\d+\n?/, ''),
        startedAt: Date.now() - wallMs,
      });
    });
  });
}

/** The `-o json` event stream, each event with its time in ms after the process started. */
function events(run) {
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .map((e) => ({ ...e, ms: Date.parse(e.time) - run.startedAt }));
}

/** Where create's time went: start-up to the first event, preflight/plan/PKI, apply, wait, the rest. */
function phases(run) {
  const ev = events(run);
  const at = (pred) => ev.find(pred)?.ms;
  const first = ev[0]?.ms ?? 0;
  const apply = at((e) => e.type === 'phase' && e.phase === 'apply');
  const wait = at((e) => e.type === 'phase' && e.phase === 'wait');
  const ready = at((e) => e.type === 'summary');
  if (apply === undefined || wait === undefined || ready === undefined) return undefined;
  return {
    startup: first,
    plan: apply - first,
    apply: wait - apply,
    wait: ready - wait,
    finish: run.wallMs - ready,
  };
}

// ---------------------------------------------------------------------------------------------------
// counting API calls

const SERVER_STATUS = /\/servers(\/detail|\/[0-9a-f-]{36})?$/;
const isServerWrite = (e) =>
  e.service === 'nova' &&
  ((e.method === 'POST' && /\/servers$/.test(e.path)) ||
    (e.method === 'DELETE' && SERVER_STATUS.test(e.path)));

/** Index of the run's last server create or delete: status reads after it are waiting. */
function lastServerWrite(entries) {
  for (let i = entries.length - 1; i >= 0; i--) if (isServerWrite(entries[i])) return i;
  return entries.length;
}

/** Whether entry i is a poll: a GET of server status (a Nova server collection or one server) after the last server write. */
function isPoll(entries, i, last) {
  const e = entries[i];
  return i > last && e.method === 'GET' && e.service === 'nova' && SERVER_STATUS.test(e.path);
}

/**
 * API calls of one run (a slice of the simulator's request log), by kind:
 * - auth: Keystone token requests (every openstack command signs in; viok once);
 * - mutating: any other POST/PUT/PATCH/DELETE; split into creates (POST), tag PUTs (`…/tags`, the
 *   separate call Zed's Neutron needs after a POST without the tag-creation extension) and the rest;
 * - polls: GETs of server status (a Nova server collection or one server) after the run's last server
 *   create (or delete): the waiting for servers to become ACTIVE (or go);
 * - reads: every other GET/HEAD.
 */
function classify(entries) {
  const c = {
    total: entries.length,
    auth: 0,
    mutating: 0,
    creates: 0,
    tagPuts: 0,
    otherWrites: 0,
    failedWrites: 0,
    reads: 0,
    polls: 0,
    errors: 0,
  };
  const last = lastServerWrite(entries);
  entries.forEach((e, i) => {
    if (e.status >= 400 || e.status === 0) c.errors++;
    if (e.service === 'keystone' && e.method === 'POST') {
      c.auth++;
      return;
    }
    if (MUTATING.has(e.method)) {
      c.mutating++;
      if (e.status >= 400 || e.status === 0) c.failedWrites++;
      if (e.method === 'POST') c.creates++;
      else if (e.method === 'PUT' && /\/tags(\/|$)/.test(e.path)) c.tagPuts++;
      else c.otherWrites++;
      return;
    }
    if (isPoll(entries, i, last)) c.polls++;
    else c.reads++;
  });
  return c;
}

/** The polls' cadence: how many, over how long (first to last poll). */
function pollCadence(entries) {
  const last = lastServerWrite(entries);
  const times = entries.filter((e, i) => isPoll(entries, i, last)).map((e) => e.at);
  return { count: times.length, spanMs: times.length > 1 ? times.at(-1) - times[0] : 0 };
}

// ---------------------------------------------------------------------------------------------------
// the graph and its critical-path lower bound

let pkiPromise;
/** One cluster PKI for every calibration run (RSA key generation takes seconds). */
function benchPki() {
  const { generateClusterPki } = require(dist('pki/index.js'));
  pkiPromise ??= generateClusterPki({ kubernetesVersion: '1.31.4', now: new Date() });
  return pkiPromise;
}

/**
 * The backend's resource graph and what each resource costs in API calls: creates the cluster
 * in-process on a zero-latency simulator with the engine's executeGraph wrapped so resources run one
 * at a time; each resource's share of the request log is then exactly its own. Also returns the
 * per-service limits the engine was given.
 */
async function calibrate(backend, size, dir) {
  const sim = await startBenchSim({ latencyMs: 0, buildMs: 0 });
  const files = connectionFiles(sim, dir);
  const spec = writeSpec(backend, size, files, dir);
  const engine = require(dist('engine/graph.js'));
  const p = require(dist('provision/index.js'));
  const { connectOpenStack } = require(dist('clients/openstack.js'));
  const { simResolvedCloud } = require(dist('provision/session.js'));
  const { LocalStateStore } = require(dist('state/local-store.js'));
  const { silentProgress } = require(dist('core/progress.js'));
  const original = engine.executeGraph;
  let graph;
  let limits;
  engine.executeGraph = (resources, options) => {
    if (graph) return original(resources, options); // a second apply (a retried node): not measured
    limits = { byService: { ...(options.limits ?? {}) }, defaultLimit: options.defaultLimit ?? 8 };
    let turn = Promise.resolve();
    graph = resources.map((r) => ({
      key: r.key,
      kind: r.kind ?? r.key.split('/')[0],
      service: r.service,
      dependsOn: [...r.dependsOn],
      calls: 0,
      writes: 0,
      action: undefined,
    }));
    const wrapped = resources.map((r, i) => ({
      ...r,
      ensure: (c) => {
        const run = turn.then(async () => {
          const from = sim.requestLog.length;
          const out = await r.ensure(c);
          const own = sim.requestLog
            .slice(from)
            .filter((e) => !(e.service === 'keystone' && e.method === 'POST'));
          graph[i].calls = own.length;
          graph[i].writes = own.filter((e) => MUTATING.has(e.method)).length;
          graph[i].action = out.action;
          return out;
        });
        turn = run.catch(() => undefined);
        return run;
      },
    }));
    return original(wrapped, options);
  };
  try {
    const clients = await connectOpenStack(simResolvedCloud(sim.urls.identity));
    const s = simModule();
    const loaded = p.loadValidSpec(spec.file);
    // the backend's own connection as `--sim` makes it: the simulator's NSX managers, as data
    const nsx = (url, username, password) => ({ url, username, password, caPem: sim.caPem });
    const backendClients = await require(dist('provision/backends/index.js')).connectBackend({
      spec: loaded.spec,
      session: {
        simNsx: {
          nsxt: nsx(sim.urls.nsxt, s.NSXT_SIM_USER, s.NSXT_SIM_PASSWORD),
          nsxv: nsx(sim.urls.nsxv, s.NSXV_SIM_USER, s.NSXV_SIM_PASSWORD),
        },
      },
      env: { env: {}, cwd: dir, homeDir: dir, clock: p.systemClock },
    });
    await p.createCluster({
      spec: loaded,
      cluster: spec.name,
      clients,
      cloudName: files.cloudName,
      store: new LocalStateStore(path.join(dir, 'state')),
      progress: silentProgress,
      clock: p.systemClock,
      signal: new AbortController().signal,
      timing: { pollMs: 5, maxPollMs: 5 },
      generatePki: benchPki,
      backendClients,
    });
  } finally {
    engine.executeGraph = original;
    await sim.stop();
  }
  return { graph, limits };
}

/**
 * The time no tool can beat for this graph with these latencies: every resource costs its API calls
 * × latency (run one after another), a server also its build time plus one status read after it
 * is ACTIVE (that build holds no API slot). Unlimited parallelism except the engine's per-service
 * limits. The bound is the larger of
 * - the critical path: the longest chain of dependencies, and
 * - per service s with limit k, for every subset of its resources that can start no sooner than h
 *   and have at least t left after their own API work (for ports feeding servers: a build): h, plus
 *   the subset's API time / k, plus t.
 * Polling at an interval is left out: a perfect tool sees ACTIVE the moment it happens.
 */
function criticalPathBound(graph, limits, latencyMs, buildMs) {
  const byKey = new Map(graph.map((r) => [r.key, r]));
  const api = (r) => r.calls * latencyMs;
  const after = (r) => (r.kind === 'server' ? buildMs + latencyMs : 0);
  const head = new Map();
  const headOf = (r) => {
    if (!head.has(r.key))
      head.set(r.key, Math.max(0, ...r.dependsOn.map((d) => headOf(byKey.get(d)) + api(byKey.get(d)))));
    return head.get(r.key);
  };
  const dependents = new Map();
  for (const r of graph) for (const d of r.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), r]);
  const tail = new Map();
  const tailOf = (r) => {
    if (!tail.has(r.key))
      tail.set(r.key, Math.max(after(r), ...(dependents.get(r.key) ?? []).map((d) => api(d) + tailOf(d))));
    return tail.get(r.key);
  };
  const criticalPath = Math.max(...graph.map((r) => headOf(r) + api(r) + tailOf(r)));
  // per service: every subset "head ≥ h and tail ≥ t" must queue through the limit between them
  let serviceBound = 0;
  let bottleneck = 'dependencies';
  for (const service of new Set(graph.map((r) => r.service))) {
    const rs = graph.filter((r) => r.service === service);
    const limit = limits.byService[service] ?? limits.defaultLimit;
    const heads = [...new Set(rs.map(headOf))];
    const tails = [...new Set(rs.map(tailOf))];
    for (const h of heads)
      for (const t of tails) {
        const subset = rs.filter((r) => headOf(r) >= h && tailOf(r) >= t);
        if (subset.length === 0) continue;
        const b = h + subset.reduce((sum, r) => sum + api(r), 0) / limit + t;
        if (b > serviceBound) {
          serviceBound = b;
          if (b > criticalPath) bottleneck = `${service}, limit ${limit}`;
        }
      }
  }
  return {
    boundMs: Math.max(criticalPath, serviceBound),
    criticalPathMs: criticalPath,
    serviceBoundMs: serviceBound,
    bottleneck,
  };
}

// ---------------------------------------------------------------------------------------------------
// one size of one backend

async function measureViok(backend, size, config) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `viok-bench-${backend}-${size.workers}-`));
  try {
    const cal = await calibrate(backend, size, path.join(dir, 'calibrate'));
    const bound = criticalPathBound(cal.graph, cal.limits, config.latencyMs, config.buildMs);

    const sim = await startBenchSim(config);
    try {
      const files = connectionFiles(sim, dir);
      const spec = writeSpec(backend, size, files, dir);
      const opts = { cwd: dir, env: files.env };
      const cloud = ['--os-cloud', files.cloudName];
      const createFrom = sim.requestLog.length;
      const create = await runViok(
        ['create', 'cluster', '-f', spec.file, ...cloud, '--yes', '-o', 'json'],
        opts,
      );
      if (create.code !== 0)
        throw new Error(
          `viok create (${backend} ${size.workers}) exited ${create.code}: ${create.stderr.slice(-2000)}`,
        );
      const createLog = sim.requestLog.slice(createFrom);
      if (process.env.VIOK_BENCH_DUMP)
        fs.writeFileSync(
          `${process.env.VIOK_BENCH_DUMP}-${backend}-${size.workers}.json`,
          JSON.stringify({ createLog, stdout: create.stdout }),
        );
      const deleteFrom = sim.requestLog.length;
      const del = await runViok(['delete', 'cluster', spec.name, ...cloud, '--yes', '-o', 'json'], opts);
      if (del.code !== 0)
        throw new Error(
          `viok delete (${backend} ${size.workers}) exited ${del.code}: ${del.stderr.slice(-2000)}`,
        );
      const deleteLog = sim.requestLog.slice(deleteFrom);
      const created = events(create).filter((e) => e.type === 'resource' && e.status === 'created').length;
      return {
        backend,
        size,
        resources: cal.graph.length,
        created,
        bound,
        create: {
          wallMs: create.wallMs,
          maxRssKb: create.maxRssKb,
          calls: classify(createLog),
          cadence: pollCadence(createLog),
          phases: phases(create),
        },
        delete: {
          wallMs: del.wallMs,
          maxRssKb: del.maxRssKb,
          calls: classify(deleteLog),
          cadence: pollCadence(deleteLog),
        },
        calibrated: {
          writesPerResource: cal.graph.reduce((t, r) => t + r.writes, 0) / cal.graph.length,
          calls: cal.graph.reduce((t, r) => t + r.calls, 0),
        },
      };
    } finally {
      await sim.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function loadPeer() {
  const file = path.join(__dirname, 'peer.js');
  if (!fs.existsSync(file)) return undefined;
  return require(file).runPeer;
}

async function measurePeer(runPeer, backend, size, config) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `viok-bench-peer-${backend}-${size.workers}-`));
  const sim = await startBenchSim(config);
  try {
    const files = connectionFiles(sim, dir);
    const from = sim.requestLog.length;
    const t0 = performance.now();
    const r = await runPeer({
      backend,
      ...size,
      cloudsYamlPath: files.cloudsYaml,
      cloudName: files.cloudName,
      requestLog: sim.requestLog,
      env: { ...files.env, OS_CLOUD: files.cloudName },
    });
    const wallMs = r?.wallMs ?? performance.now() - t0;
    const log = sim.requestLog.slice(from);
    return {
      wallMs,
      cpuMs: r?.cpuMs,
      calls: classify(log),
      cadence: pollCadence(log),
      commands: r?.commands,
      reported: r?.calls,
    };
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// the report

const s1 = (ms) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const sizeName = (size) => `${size.controlPlane}+${size.workers} (+${size.lbNodes} lb)`;
const callsText = (c) => `${c.mutating} / ${c.reads} / ${c.polls}`;

function markdown(results, config, svgName) {
  const lines = [];
  lines.push(
    `## Provisioning (real \`bin/viok create cluster\` / \`delete cluster\` against the simulator)`,
    '',
    `Config: ${config.latencyMs.toFixed(2)} ms per API call, ${(config.buildMs / 1000).toFixed(2)} s per server build ` +
      `(${BASE_LATENCY_MS} ms and ${BASE_BUILD_MS / 1000} s scaled down by ${config.scale}); ${os.cpus().length} cores; ` +
      `viok's timers (its poll interval) are not scaled. Plot: ${svgName}.`,
    '',
  );
  for (const backend of config.backends) {
    const rows = results.filter((r) => r.backend === backend);
    if (rows.length === 0) continue;
    lines.push(
      `### ${backend}`,
      '',
      '| size | viok create s | bound s | wall / bound | peer s | speed-up vs peer | viok calls mut / read / poll | peer calls mut / read / poll | peak RSS MB |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const r of rows) {
      const peer = r.peer;
      lines.push(
        `| ${sizeName(r.size)} | ${s1(r.create.wallMs)} | ${s1(r.bound.boundMs)} | ${(r.create.wallMs / r.bound.boundMs).toFixed(2)} | ` +
          `${peer ? s1(peer.wallMs) : peer === null ? 'skipped' : '–'} | ${peer ? `${(peer.wallMs / r.create.wallMs).toFixed(1)}×` : '–'} | ` +
          `${callsText(r.create.calls)} | ${peer ? callsText(peer.calls) : '–'} | ${r.create.maxRssKb ? (r.create.maxRssKb / 1024).toFixed(0) : '?'} |`,
      );
    }
    lines.push(
      '',
      '| size | resources (created) | writes: POST + tag PUT + other = all | writes / resource | auth calls | polls over wait | delete s (calls mut / read / poll) | time: start-up / plan+PKI / apply / wait / rest s | bound: critical path / busiest service |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const r of rows) {
      const c = r.create.calls;
      const ph = r.create.phases;
      lines.push(
        `| ${sizeName(r.size)} | ${r.resources} (${r.created}) | ${c.creates} + ${c.tagPuts} + ${c.otherWrites} = ${c.mutating} | ` +
          `${(c.mutating / Math.max(1, r.created)).toFixed(2)} | ${c.auth} | ${r.create.cadence.count} in ${s1(r.create.cadence.spanMs)} s | ` +
          `${s1(r.delete.wallMs)} (${callsText(r.delete.calls)}) | ` +
          `${ph ? [ph.startup, ph.plan, ph.apply, ph.wait, ph.finish].map(s1).join(' / ') : '?'} | ` +
          `${s1(r.bound.criticalPathMs)} / ${s1(r.bound.serviceBoundMs)} ${r.bound.bottleneck === 'dependencies' ? '' : ` (${r.bound.bottleneck})`} |`,
      );
    }
    const peers = rows.filter((r) => r.peer);
    if (peers.length > 0) {
      lines.push(
        '',
        'Peer (openstack CLI script): ' +
          peers
            .map(
              (r) =>
                `${sizeName(r.size)}: ${r.peer.commands ?? '?'} commands, ${r.peer.calls.total} calls (${r.peer.calls.auth} sign-ins), polls ${r.peer.cadence.count}`,
            )
            .join('; ') +
          '.',
      );
    }
    lines.push('');
  }
  lines.push(
    'How to read it: **bound** = critical-path lower bound of the same resource graph (taken from the backend in-process, ' +
      "each resource's API calls counted on a zero-latency run): every call costs the latency, a server also its build " +
      "time and one status read; unlimited parallelism except the engine's per-service limits; polling granularity, " +
      'process start-up, sign-in, preflight and PKI generation left out (viok pays them: see the time split). ' +
      '**Calls**: mutating = POST/PUT/PATCH/DELETE other than sign-in; polls = GETs of server status (a server list or one server) ' +
      "after the run's last server create (delete): the wait; reads = the other GETs. Writes per resource above 1 are Neutron's tag PUT after each POST " +
      '(the simulator is Zed without tag-creation, as VIO 7 is). Peak RSS = maxRSS of the viok create process.',
  );
  if (config.peerNote) lines.push('', config.peerNote);
  return lines.join('\n');
}

function svg(results, config) {
  const panels = config.backends
    .map((backend) => {
      const rows = results.filter((r) => r.backend === backend);
      const series = [
        {
          name: 'viok create',
          color: '#1f77b4',
          points: rows.map((r) => [r.size.workers, r.create.wallMs / 1000]),
        },
        {
          name: 'critical-path bound',
          color: '#2ca02c',
          dash: '6 4',
          points: rows.map((r) => [r.size.workers, r.bound.boundMs / 1000]),
        },
      ];
      const peer = rows.filter((r) => r.peer);
      if (peer.length > 0)
        series.push({
          name: 'openstack CLI script',
          color: '#d62728',
          points: peer.map((r) => [r.size.workers, r.peer.wallMs / 1000]),
        });
      return { title: backend, series };
    })
    .filter((p) => p.series[0].points.length > 0);
  return linePlot({
    title: `Cluster create time vs workers (${config.latencyMs.toFixed(1)} ms/call, ${(config.buildMs / 1000).toFixed(1)} s build)`,
    xLabel: 'workers',
    yLabel: 'seconds (log scale)',
    logY: true,
    panels,
  });
}

/** Runs every size of every backend; returns the markdown section (and writes the SVG next to `resultsMd`). */
async function provisionBench(options = benchOptions(), resultsMd) {
  const config = { ...options };
  const runPeer = config.peer ? loadPeer() : undefined;
  if (config.peer && !runPeer) config.peerNote = 'Peer baseline skipped: bench/peer.js does not exist yet.';
  const results = [];
  for (const backend of config.backends) {
    for (const sized of config.sizes) {
      if (backend === 'nsx-v' && sized.workers > NSXV_MAX_WORKERS) continue;
      // nsx-v balances on the NSX Edge: no load-balancer nodes
      const size = backend === 'nsx-v' ? { ...sized, lbNodes: 0 } : sized;
      config.log(`viok ${backend} ${sizeName(size)}`);
      const r = await measureViok(backend, size, config);
      config.log(
        `  create ${s1(r.create.wallMs)} s, bound ${s1(r.bound.boundMs)} s, delete ${s1(r.delete.wallMs)} s, ${callsText(r.create.calls)}`,
      );
      if (runPeer && backend !== 'nsx-v' && size.workers <= config.peerMaxWorkers) {
        config.log(`peer ${backend} ${sizeName(size)}`);
        try {
          r.peer = await measurePeer(runPeer, backend, size, config);
          config.log(`  peer ${s1(r.peer.wallMs)} s, ${callsText(r.peer.calls)}`);
        } catch (e) {
          r.peer = null;
          config.peerNote =
            `${config.peerNote ?? ''} Peer ${backend} ${sizeName(size)} failed: ${e.message.split('\n')[0]}`.trim();
        }
      } else if (runPeer) r.peer = null;
      results.push(r);
    }
  }
  const out = resultsMd ?? path.join(__dirname, 'results', `${new Date().toISOString().slice(0, 10)}.md`);
  const svgFile = out.replace(/\.md$/, '-provision.svg');
  fs.mkdirSync(path.dirname(svgFile), { recursive: true });
  fs.writeFileSync(svgFile, svg(results, config));
  fs.writeFileSync(
    out.replace(/\.md$/, '-provision.json'),
    JSON.stringify({ config: { ...config, log: undefined }, results }, null, 2),
  );
  return markdown(results, config, path.basename(svgFile));
}

module.exports = { provisionBench, benchOptions, classify, criticalPathBound };

if (require.main === module) {
  provisionBench().then(
    (md) => process.stdout.write(md + '\n'),
    (e) => {
      process.stderr.write(`provision bench failed: ${e.stack ?? e.message}\n`);
      process.exitCode = 1;
    },
  );
}
