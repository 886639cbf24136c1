#!/usr/bin/env node
// The peer baseline: the cluster topology viok builds, created (and deleted) by the operator-style
// `openstack` CLI scripts in bench/peer/ against a running simulator. The bench calls runPeer() and
// deletePeer() beside viok's own run; `node bench/peer.js --backend vds --workers 3` runs it alone on
// its own simulator (after `npm run build`) and prints the figures as JSON.
'use strict';
/* global fetch -- Node 20's built-in */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const SCRIPTS = { vds: 'vds.sh', 'nsx-t': 'nsx-t.sh' };
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// the wait loops list the cluster's servers: those GETs are the polls
const SERVER_LIST = /^\/compute\/v2(\.1)?\/servers(\/detail)?\/?$/;

/**
 * Splits request-log entries by kind. Keystone (a token and version discovery per CLI command) is
 * counted apart from mutating/reads/polls, which are the calls on the cloud's resources (NSX included);
 * total is everything.
 */
function countCalls(entries) {
  const calls = { mutating: 0, reads: 0, polls: 0, keystone: 0, total: entries.length, byService: {} };
  for (const e of entries) {
    calls.byService[e.service] = (calls.byService[e.service] ?? 0) + 1;
    if (e.service === 'keystone') calls.keystone++;
    else if (MUTATING.has(e.method)) calls.mutating++;
    else if (e.service === 'nova' && SERVER_LIST.test(e.path)) calls.polls++;
    else calls.reads++;
  }
  return calls;
}

/** `times`' "0m1.250s" as ms. */
function bashTimeMs(t) {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  return m ? Math.round((Number(m[1]) * 60 + Number(m[2])) * 1000) : 0;
}

/**
 * Runs the script; resolves with its output and the CPU time (user + sys) of everything it ran, which
 * on a busy machine says more than the wall time: each `openstack` command is a Python start-up.
 */
function runScript(script, mode, env) {
  return new Promise((resolve, reject) => {
    // bash's `times` reports its children's CPU time once the script is done
    const wrapper = 'bash "$0" "$1" 1>&2; rc=$?; times; exit $rc';
    const child = spawn('bash', ['-c', wrapper, script, mode], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let times = '';
    child.stdout.on('data', (d) => (times += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        const children = (times.trim().split('\n')[1] ?? '').trim().split(/\s+/);
        resolve({ output, cpuMs: children.reduce((sum, t) => sum + bashTimeMs(t), 0) });
      } else {
        const tail = output.trim().split('\n').slice(-15).join('\n');
        reject(new Error(`${path.basename(script)} ${mode} exited with ${code}:\n${tail}`));
      }
    });
  });
}

/**
 * Runs one peer script (mode 'create' or 'delete') against the caller's simulator and measures it.
 * `requestLog` (the RunningSimulator's) is optional: without it `calls` is null. `env` adds to the
 * script's environment (NSX_URL, NSX_USER, NSX_PASSWORD, NSX_CA_FILE for the NSX part of nsx-t;
 * POLL_INTERVAL; IMAGE, FLAVOR, KEY, EXTERNAL, PROVIDER ...).
 */
async function runPeerScript(mode, options) {
  const { backend, cloudsYamlPath, cloudName = 'viok-sim', requestLog } = options;
  const script = SCRIPTS[backend];
  if (!script) throw new Error(`peer baseline: unknown backend ${backend} (vds or nsx-t)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-peer-'));
  const trace = path.join(dir, 'commands.txt');
  const env = {
    ...process.env,
    OS_CLOUD: cloudName,
    OS_CLIENT_CONFIG_FILE: cloudsYamlPath,
    CLUSTER: options.cluster ?? `peer-${backend.replace('-', '')}`,
    CONTROL_PLANE: String(options.controlPlane ?? 3),
    WORKERS: String(options.workers ?? 3),
    LB_NODES: String(options.lbNodes ?? 2),
    PEER_TRACE_FILE: trace,
    WORK_DIR: dir,
    ...(options.env ?? {}),
  };
  const first = requestLog ? requestLog.length : 0;
  const started = performance.now();
  try {
    const { output, cpuMs } = await runScript(path.join(__dirname, 'peer', script), mode, env);
    const wallMs = Math.round(performance.now() - started);
    const commandList = fs.existsSync(trace)
      ? fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean)
      : [];
    return {
      wallMs,
      cpuMs,
      calls: requestLog ? countCalls(requestLog.slice(first)) : null,
      commands: commandList.length,
      commandList,
      output,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Creates the cluster with the peer script: { wallMs, cpuMs, calls, commands, commandList, output }. */
function runPeer(options) {
  return runPeerScript('create', options);
}

/** Deletes what runPeer created (same options, same cluster name): same result shape. */
function deletePeer(options) {
  return runPeerScript('delete', options);
}

/** The servers, ports, networks, routers, groups and floating IPs named after the cluster. */
async function clusterInventory(running, cluster) {
  const { SEED_USER, SEED_PASSWORD, SEED_PROJECT, SEED_DOMAIN_NAME } = simModule();
  const base = running.urls.openstack;
  const auth = await fetch(`${base}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: SEED_USER, domain: { name: SEED_DOMAIN_NAME }, password: SEED_PASSWORD },
          },
        },
        scope: { project: { name: SEED_PROJECT, domain: { name: SEED_DOMAIN_NAME } } },
      },
    }),
  });
  const token = auth.headers.get('x-subject-token');
  const get = async (url) => (await fetch(base + url, { headers: { 'x-auth-token': token } })).json();
  const prefix = `viok-${cluster}-`;
  const named = (list) => list.filter((o) => (o.name ?? '').startsWith(prefix)).length;
  const servers = (await get('/compute/v2.1/servers/detail')).servers.filter((s) =>
    s.name.startsWith(`${cluster}-`),
  );
  return {
    servers: servers.length,
    active: servers.filter((s) => s.status === 'ACTIVE').length,
    nics: servers.reduce((n, s) => n + Object.values(s.addresses ?? {}).flat().length, 0),
    ports: named((await get('/network/v2.0/ports')).ports),
    networks: named((await get('/network/v2.0/networks')).networks),
    routers: named((await get('/network/v2.0/routers')).routers),
    securityGroups: named((await get('/network/v2.0/security-groups')).security_groups),
    floatingIps: (await get('/network/v2.0/floatingips')).floatingips.filter((f) =>
      (f.description ?? '').startsWith(`peer cluster ${cluster}:`),
    ).length,
  };
}

/** What a cluster of this size must have once created. */
function expectedInventory(backend, cp, workers, lb) {
  const nodes = cp + workers + lb;
  return backend === 'vds'
    ? {
        servers: nodes,
        active: nodes,
        nics: nodes,
        ports: nodes + 1,
        networks: 0,
        routers: 0,
        securityGroups: 3,
        floatingIps: 0,
      }
    : {
        servers: nodes,
        active: nodes,
        nics: 3 * (cp + workers) + 2 * lb,
        ports: 3 * (cp + workers) + 2 * lb + 1,
        networks: 3,
        routers: 2,
        securityGroups: 4,
        floatingIps: lb,
      };
}

function simModule() {
  try {
    return require(path.join(__dirname, '..', 'dist', 'sim', 'index.js'));
  } catch (e) {
    throw new Error(`dist/sim is not built (npm run build): ${e.message}`);
  }
}

function parseArgs(argv) {
  const args = { backend: 'vds', controlPlane: 3, workers: 3, lbNodes: 2, latency: 30, buildMs: 2000 };
  const numeric = { '--control-plane': 'controlPlane', '--workers': 'workers', '--lb-nodes': 'lbNodes' };
  Object.assign(numeric, {
    '--latency': 'latency',
    '--build-ms': 'buildMs',
    '--poll-interval': 'pollInterval',
  });
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--backend') args.backend = argv[++i];
    else if (numeric[a]) args[numeric[a]] = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

/** Standalone: own simulator with latency, create, check, delete, check; prints JSON. */
async function main() {
  const args = parseArgs(process.argv.slice(2));
  const sim = simModule();
  const running = await sim.startSimulator({
    config: { latencyMs: args.latency, serverBuildMs: args.buildMs },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-peer-sim-'));
  try {
    const files = sim.writeConnectionFiles(running, path.join(dir, 'clouds.yaml'));
    const nsx = sim.nsxEnvironment(running.urls, files.caFile, files.cloudsYaml);
    const cluster = `peer-${args.backend.replace('-', '')}`;
    const options = {
      backend: args.backend,
      controlPlane: args.controlPlane,
      workers: args.workers,
      lbNodes: args.lbNodes,
      cloudsYamlPath: files.cloudsYaml,
      cloudName: sim.SIM_CLOUD_NAME,
      requestLog: running.requestLog,
      cluster,
      env: {
        NSX_URL: nsx.VIOK_NSXT_URL,
        NSX_USER: nsx.VIOK_NSXT_USERNAME,
        NSX_PASSWORD: nsx.VIOK_NSXT_PASSWORD,
        NSX_CA_FILE: nsx.VIOK_NSX_CA_FILE,
        ...(args.pollInterval !== undefined ? { POLL_INTERVAL: String(args.pollInterval) } : {}),
      },
    };
    const create = await runPeer(options);
    const afterCreate = await clusterInventory(running, cluster);
    const expected = expectedInventory(args.backend, args.controlPlane, args.workers, args.lbNodes);
    const result = {
      backend: args.backend,
      size: `${args.controlPlane}+${args.workers} (+${args.lbNodes} LB)`,
      simulator: { latencyMs: args.latency, serverBuildMs: args.buildMs },
      create: { wallMs: create.wallMs, cpuMs: create.cpuMs, calls: create.calls, commands: create.commands },
      afterCreate,
      createdAsExpected: JSON.stringify(afterCreate) === JSON.stringify(expected),
    };
    if (!result.createdAsExpected) result.expected = expected;
    const del = await deletePeer(options);
    result.delete = { wallMs: del.wallMs, cpuMs: del.cpuMs, calls: del.calls, commands: del.commands };
    result.afterDelete = await clusterInventory(running, cluster);
    result.deletedAll = Object.values(result.afterDelete).every((n) => n === 0);
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (!result.createdAsExpected || !result.deletedAll) process.exitCode = 1;
  } finally {
    await running.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { runPeer, deletePeer, countCalls, clusterInventory, expectedInventory };

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`peer baseline failed: ${e.message}\n`);
    process.exitCode = 1;
  });
}
