/**
 * No secret in any output or log: a whole create → describe → get kubeconfig → delete with --debug on
 * every command, for each backend, against a simulator reached as a real cloud (clouds.yaml, the
 * spec's NSX managers). The simulator tells us every secret it issued (Keystone tokens, NSX-T session
 * cookies and XSRF tokens); the passwords, the Basic auth value, the bootstrap token and the cluster's
 * private keys are known too. None may appear in stdout, stderr or a file viok wrote, not even
 * base64-encoded; the files that must hold keys (cluster state, kubeconfig) are 0600 in a 0700 folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { Router, type Handler, type SimResponse } from '../../src/sim/framework';
import { NSXT_SIM_PASSWORD, NSXV_SIM_PASSWORD, NSXV_SIM_USER } from '../../src/sim';
import { SIM_CLOUD_NAME, simCloud } from '../../src/sim/server';
import { repoRoot, runViok, type CliResult } from '../helpers/cli';
import { FakeClock, startTestSim, type TestSim } from '../helpers/sim';
import { simReadySpec, tempDir, viokInProcess } from '../helpers/bad-input-rig';

/** Every secret value the simulator handed out, collected from its responses. */
const issued = new Set<string>();

function remember(response: SimResponse): void {
  const headers = response.headers ?? {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (key === 'x-subject-token' || key === 'x-xsrf-token') issued.add(value);
    if (key === 'set-cookie') {
      const session = /JSESSIONID=([^;,\s]+)/.exec(value)?.[1];
      if (session) issued.add(session);
    }
  }
}

// every route of every service the simulator registers from here on reports what it answered
const realAdd = Router.prototype.add;
beforeAll(() => {
  Router.prototype.add = function add(this: Router, method: string, pattern: string, handler: Handler) {
    const spying: Handler = async (req, params) => {
      const response = await handler(req, params);
      remember(response);
      return response;
    };
    realAdd.call(this, method, pattern, spying);
  };
});
afterAll(() => {
  Router.prototype.add = realAdd;
});

const OS_PASSWORD = `os-${randomBytes(12).toString('hex')}`;

let sim: TestSim;
let dir: string;
let env: NodeJS.ProcessEnv;
let caFile: string;

beforeAll(async () => {
  // the simulator's clock runs from now, so the tokens it issues are live for the CLI's real clock
  sim = await startTestSim({ clock: new FakeClock(Date.now()) });
  // a password nothing else in the output could contain by chance (the seeded one is "secret")
  const keystone = sim.services.keystone.snapshot() as { users: { name: string; password: string }[] };
  const admin = keystone.users.find((u) => u.name === 'admin');
  if (!admin) throw new Error('the simulator has no admin user');
  admin.password = OS_PASSWORD;

  dir = tempDir('secrets');
  const cloud = simCloud(sim.urls) as { auth: Record<string, unknown> };
  cloud.auth.password = OS_PASSWORD;
  const cloudsYaml = path.join(dir, 'clouds.yaml');
  fs.writeFileSync(cloudsYaml, stringify({ clouds: { [SIM_CLOUD_NAME]: cloud } }), { mode: 0o600 });
  caFile = path.join(dir, 'nsx-ca.pem');
  fs.writeFileSync(caFile, sim.caPem);
  env = {
    HOME: dir,
    OS_CLIENT_CONFIG_FILE: cloudsYaml,
    VIOK_NSXT_PASSWORD: NSXT_SIM_PASSWORD,
    VIOK_NSXV_PASSWORD: NSXV_SIM_PASSWORD,
    NO_COLOR: '1',
  };
});
afterAll(async () => {
  await sim.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Everything a user could see or find: output, and the files viok wrote (key-holding ones apart). */
interface Evidence {
  text: string[];
  /** Files that hold keys by design, for the mode check. */
  keyFiles: string[];
}

/** The state folder's files: the cluster state without its `secrets` (the PKI belongs there), and the rest whole. */
function collectStateDir(stateDir: string, evidence: Evidence): void {
  if (!fs.existsSync(stateDir)) return;
  expect(fs.statSync(stateDir).mode & 0o777).toBe(0o700);
  for (const entry of fs.readdirSync(stateDir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) {
      expect({ file, mode: fs.statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o700 });
      continue;
    }
    const content = fs.readFileSync(file, 'utf8');
    if (entry.name === 'state.json') {
      evidence.keyFiles.push(file);
      const state = JSON.parse(content) as Record<string, unknown>;
      delete state.secrets;
      evidence.text.push(`${file}:\n${JSON.stringify(state)}`);
    } else evidence.text.push(`${file}:\n${content}`);
  }
}

/**
 * What a value looks like inside any base64 text, at each of the three byte alignments: the stable
 * middle of its encoding (the edges depend on the neighbouring bytes).
 */
function base64Forms(value: string): string[] {
  return [0, 1, 2].map((k) => {
    const encoded = Buffer.from(`${'\0'.repeat(k)}${value}`).toString('base64');
    return encoded.slice(k === 0 ? 0 : 4, -4);
  });
}

/**
 * Base64 runs decoded, so a secret inside user_data or a Basic header is found too; and the
 * gzipped files inside user data (`encoding: gz+b64`, NCP's bundle among them) unpacked.
 */
function withDecodedBase64(text: string): string {
  const decode = (t: string): string[] =>
    (t.match(/[A-Za-z0-9+/]{24,}={0,2}/g) ?? []).map((run) => {
      const bytes = Buffer.from(run, 'base64');
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
        try {
          return gunzipSync(bytes).toString('latin1');
        } catch {
          // not gzip after all: searched as it is
        }
      }
      return bytes.toString('latin1');
    });
  const once = decode(text);
  // user data is base64 in Nova's request, and its gz+b64 files base64 again inside it
  return [text, ...once, ...once.flatMap(decode)].join('\n');
}

interface ClusterSecrets {
  bootstrapToken: string;
  /** A 48-character slice of each private key's body: enough to recognise it anywhere. */
  keyFragments: string[];
}

function clusterSecrets(stateFile: string): ClusterSecrets {
  const pem: string[] = [];
  let bootstrapToken = '';
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (/PRIVATE KEY-----/.test(v)) pem.push(v);
      if (key === 'bootstrapToken') bootstrapToken = v;
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk((JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { secrets: unknown }).secrets, '');
  const keyFragments = pem.map((p) => p.split('\n').slice(2, 4).join('').slice(0, 48));
  return { bootstrapToken, keyFragments };
}

const backends: Array<{ backend: string; example: string; cluster: string }> = [
  { backend: 'vds', example: 'vds', cluster: 'leak-vds' },
  { backend: 'nsx-t', example: 'nsx-t', cluster: 'leak-nsxt' },
  { backend: 'nsx-v', example: 'nsx-v', cluster: 'leak-nsxv' },
];

describe('with --debug, no secret appears in any output or file', () => {
  it.each(backends)(
    '$backend: create → describe → get kubeconfig → delete',
    async ({ backend, example, cluster }) => {
      const work = path.join(dir, cluster);
      const stateDir = path.join(work, 'state');
      fs.mkdirSync(work);
      const specFile = path.join(work, 'cluster.yaml');
      const exampleText = fs.readFileSync(path.join(repoRoot, 'examples', `${example}.yaml`), 'utf8');
      fs.writeFileSync(specFile, simReadySpec(exampleText, sim, caFile));
      const viok = (...args: string[]): Promise<CliResult> =>
        runViok([...args, '--debug', '--state-dir', stateDir], { cwd: work, env, timeoutMs: 120_000 });
      const evidence: Evidence = { text: [], keyFiles: [] };
      const record = (r: CliResult, what: string): void => {
        evidence.text.push(r.stdout, r.stderr);
        expect({ what, code: r.code, stderr: r.code === 0 ? '' : r.stderr.slice(-3000) }).toEqual({
          what,
          code: 0,
          stderr: '',
        });
      };

      record(
        await viok('create', 'cluster', cluster, '-f', specFile, '--os-cloud', SIM_CLOUD_NAME, '--yes'),
        'create',
      );
      const kubeconfig = path.join(work, `${cluster}.kubeconfig`);
      const stateFile = path.join(stateDir, cluster, 'state.json');
      const secrets = clusterSecrets(stateFile);
      collectStateDir(stateDir, evidence);
      record(await viok('describe', 'cluster', cluster, '--os-cloud', SIM_CLOUD_NAME), 'describe');
      fs.rmSync(kubeconfig);
      // to a file: on stdout the kubeconfig would carry the admin key by design (what it is for)
      record(await viok('get', 'kubeconfig', cluster, '--file', kubeconfig), 'get kubeconfig');
      expect(fs.statSync(kubeconfig).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(kubeconfig, 'utf8')).toMatch(/client-key-data: \S+/);
      collectStateDir(stateDir, evidence);
      for (const file of evidence.keyFiles)
        expect({ file, mode: fs.statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o600 });
      record(await viok('delete', 'cluster', cluster, '--os-cloud', SIM_CLOUD_NAME, '--yes'), 'delete');
      collectStateDir(stateDir, evidence);
      // every other file viok may have left next to the spec (not the kubeconfig, whose key belongs to it)
      for (const name of fs.readdirSync(work))
        if (![path.basename(kubeconfig), 'cluster.yaml', 'state'].includes(name))
          evidence.text.push(fs.readFileSync(path.join(work, name), 'utf8'));

      const haystack = withDecodedBase64(evidence.text.join('\n'));
      // the log is really there: the test would be worthless if --debug printed nothing
      expect(haystack).toContain('debug: → POST');
      // and nsx-t signed in to its manager with a session (cookie and XSRF token) and logged it
      if (backend === 'nsx-t') expect(haystack).toMatch(/→ POST https:\/\/\S+\/api\/session\/create/);
      // and registered NCP's principal identity (its certificate logged, its key in no request)
      if (backend === 'nsx-t')
        expect(haystack).toMatch(
          /→ POST https:\/\/\S+\/trust-management\/principal-identities\/with-certificate/,
        );
      if (backend === 'nsx-v') expect(haystack).toMatch(/authorization: Basic \*\*\*/);
      const basic = Buffer.from(`${NSXV_SIM_USER}:${NSXV_SIM_PASSWORD}`).toString('base64');
      const [, tokenSecret = ''] = secrets.bootstrapToken.split('.');
      const needles: Array<[string, string]> = [
        ['the OpenStack password', OS_PASSWORD],
        ['the NSX password', NSXT_SIM_PASSWORD],
        ['the NSX password, form-encoded', encodeURIComponent(NSXT_SIM_PASSWORD)],
        ['the NSX-V Basic auth value', basic],
        ['the bootstrap token secret', tokenSecret],
        ...[...issued].map((s): [string, string] => ['a token or session the simulator issued', s]),
        ...secrets.keyFragments.map((f): [string, string] => ['a cluster private key', f]),
      ];
      expect(tokenSecret.length).toBeGreaterThan(8);
      expect(issued.size).toBeGreaterThan(0);
      const encoded = needles
        .filter(([, value]) => value.length >= 12)
        .flatMap(([what, value]) => base64Forms(value).map((f): [string, string] => [`${what} (base64)`, f]));
      const found = [...needles, ...encoded].filter(([, value]) => value !== '' && haystack.includes(value));
      expect(found.map(([what, value]) => `${what}: ${value.slice(0, 12)}…`)).toEqual([]);
      expect(haystack).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    },
    240_000,
  );

  it('nsx-t with --sim (the simulator inside viok, its NSX exchanges logged too): the same, in-process', async () => {
    const work = path.join(dir, 'embedded');
    const stateDir = path.join(work, 'state');
    fs.mkdirSync(work);
    const before = issued.size;
    const example = path.join(repoRoot, 'examples', 'nsx-t.yaml');
    const text: string[] = [];
    for (const args of [
      ['create', 'cluster', 'leak-sim', '-f', example, '--yes'],
      ['describe', 'cluster', 'leak-sim'],
      ['delete', 'cluster', 'leak-sim', '--yes'],
    ]) {
      const r = await viokInProcess([...args, '--sim', '--state-dir', stateDir, '--debug'], {
        env,
        cwd: work,
      });
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      text.push(r.stdout, r.stderr);
    }
    const haystack = withDecodedBase64(text.join('\n'));
    expect(haystack).toMatch(/→ POST https:\/\/\S+\/api\/session\/create/);
    expect(issued.size).toBeGreaterThan(before);
    const leaked = [...issued, NSXT_SIM_PASSWORD, encodeURIComponent(NSXT_SIM_PASSWORD)].filter((s) =>
      haystack.includes(s),
    );
    expect(leaked).toEqual([]);
    // the embedded simulator's seeded password is the short word "secret": look for it where it would be
    expect(haystack).not.toMatch(/"password":"secret"|j_password=(?!\*)/);
    expect(haystack).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  }, 120_000);
});
