// CLI start-up, measured with hyperfine: viok --version, --help and validate on an example.
// Peers (openstack --version, kubectl version --client) are measured in the same run when installed.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const viok = `${process.execPath} ${path.join(root, 'bin', 'viok')}`;

function have(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function startup() {
  if (!have('hyperfine'))
    return '## CLI start-up\n\nhyperfine is not installed (apt-get install hyperfine): not measured.';
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-bench-home-'));
  const commands = [
    // Node's own start-up is the floor every viok command stands on: report viok against it
    ['node -e 0 (bare Node start-up)', `${process.execPath} -e 0`],
    ['viok --version', `${viok} --version`],
    ['viok --help', `${viok} --help`],
    ['viok validate examples/nsx-t.yaml', `${viok} validate -f ${path.join(root, 'examples', 'nsx-t.yaml')}`],
    // starts the simulator in-process and lists its clusters (an empty simulated cloud, its own HOME)
    ['viok get clusters --sim', `env HOME=${home} XDG_STATE_HOME=${home}/state ${viok} get clusters --sim`],
  ];
  if (have('openstack')) commands.push(['openstack --version', 'openstack --version']);
  if (have('kubectl')) commands.push(['kubectl version --client', 'kubectl version --client']);
  const json = path.join(os.tmpdir(), `viok-bench-startup-${process.pid}.json`);
  const args = ['--warmup', '3', '--runs', '20', '--style', 'none', '--export-json', json];
  for (const [name, cmd] of commands) args.push('-n', name, cmd);
  try {
    execFileSync('hyperfine', args, { stdio: 'ignore' });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  const results = JSON.parse(fs.readFileSync(json, 'utf8')).results;
  fs.rmSync(json, { force: true });
  const bare = results[0].median;
  const rows = results.map(
    (r) =>
      `| ${r.command} | ${(r.median * 1000).toFixed(1)} | ${(r.median / bare).toFixed(2)} | ${(r.mean * 1000).toFixed(1)} ± ${(r.stddev * 1000).toFixed(1)} | ${(r.min * 1000).toFixed(1)} |`,
  );
  return [
    '## CLI start-up (hyperfine, 3 warm-up runs, 20 runs each, side by side)',
    '',
    '| command | median ms | median / bare Node | mean ms | min ms |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Target (issue 21): `viok validate` and `viok get clusters --sim` within 1.3 × the bare Node row of the same run.',
  ].join('\n');
}

module.exports = { startup };
