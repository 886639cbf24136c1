/**
 * The nsx-t netplan file through the real netplan (`netplan generate --root-dir`): the systemd-networkd
 * files it produces carry the match by MAC, the pod NIC's name, and the API return path (routes and
 * the policy rule). Then those routes and rules, installed with `ip` in a private network namespace
 * (two veth NICs standing for management and API, their DHCP results set by hand), give the kernel's
 * answer to "which NIC does this packet leave by". Needs netplan.io (.ci/run installs it), and for the
 * namespace root with unshare and ip (CI is root); elsewhere skipped and recorded. The booted-VM e2e is
 * the proof with networkd itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderNetplan } from '../../../src/render';
import { inCi } from '../../helpers/ci';
import { hasProgram, itNeeding, recordSkip } from '../../helpers/programs';
import { apiRouting } from './fixtures';

const withNetplan = itNeeding({
  program: 'netplan',
  probe: ['--help'],
  install: 'apt-get install -y netplan.io',
});

const nics = [
  { macAddress: 'FA:16:3E:00:00:0A', role: 'management' as const },
  { macAddress: 'fa:16:3e:00:00:0b', role: 'api' as const, apiRouting },
  { macAddress: 'fa:16:3e:00:00:0c', role: 'pod' as const, mtu: 8900 },
];

/** `netplan generate` into a scratch root; the networkd files by name. */
function generate(): Record<string, string> {
  const root = mkdtempSync(path.join(tmpdir(), 'viok-netplan-'));
  try {
    mkdirSync(path.join(root, 'etc', 'netplan'), { recursive: true });
    writeFileSync(path.join(root, 'etc', 'netplan', '50-viok.yaml'), renderNetplan(nics), { mode: 0o600 });
    execFileSync('netplan', ['generate', '--root-dir', root], { stdio: 'pipe' });
    const dir = path.join(root, 'run', 'systemd', 'network');
    return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The `[name]` sections of a networkd file, each as key → value. */
function sections(text: string, name: string): Record<string, string>[] {
  return text
    .split(/\n(?=\[)/)
    .filter((sec) => sec.startsWith(`[${name}]`))
    .map((sec) =>
      Object.fromEntries(
        sec
          .split('\n')
          .slice(1)
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      ),
    );
}

describe('nsx-t netplan through netplan generate', () => {
  withNetplan('gives networkd one definition per MAC, the pod NIC name and the API return path', () => {
    const generated = generate();
    const files = Object.keys(generated).sort();
    const read = (f: string): string => generated[f] ?? '';
    expect(files).toEqual([
      '10-netplan-api.network',
      '10-netplan-mgmt.network',
      '10-netplan-pod.link',
      '10-netplan-pod.network',
    ]);
    // every NIC matched by its MAC, lower-cased; only the pod NIC renamed
    expect(read('10-netplan-mgmt.network')).toMatch(
      /\[Match\]\n(?:Permanent)?MACAddress=fa:16:3e:00:00:0a\n/,
    );
    expect(read('10-netplan-pod.link')).toMatch(/MACAddress=fa:16:3e:00:00:0c\n[\s\S]*Name=viokpod0/);
    expect(read('10-netplan-mgmt.network')).toMatch(/DHCP=ipv4/);
    // the Neutron network's MTU where viok knows it (cloud-init's file, now gone, carried it)
    expect(read('10-netplan-pod.link')).toMatch(/MTUBytes=8900/);
    expect(read('10-netplan-mgmt.network')).not.toMatch(/MTUBytes/);
    const api = read('10-netplan-api.network');
    expect(api).toMatch(/\[Match\]\n(?:Permanent)?MACAddress=fa:16:3e:00:00:0b\n/);
    expect(api).toMatch(/\[DHCP\]\n[\s\S]*UseRoutes=false/);
    expect(api).toMatch(/UseDNS=false/);
    const routes = api
      .split(/\n(?=\[)/)
      .filter((sec) => sec.startsWith('[Route]'))
      .map((sec) => sec.replace('[Route]', '').trim());
    expect(routes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Destination=172\.30\.0\.0\/16\nGateway=10\.1\.0\.1\nGatewayOnLink=true$/),
        expect.stringMatching(/^Destination=192\.0\.2\.0\/24\nGateway=10\.1\.0\.1\nGatewayOnLink=true$/),
        expect.stringMatching(
          /^Destination=0\.0\.0\.0\/0\nGateway=10\.1\.0\.1\nGatewayOnLink=true\nTable=101$/,
        ),
        expect.stringMatching(/^Destination=10\.1\.0\.0\/24\nScope=link\nTable=101$/),
      ]),
    );
    expect(routes).toHaveLength(4);
    expect(api).toMatch(/\[RoutingPolicyRule\]\nFrom=10\.1\.0\.0\/24\nTable=101\nPriority=100/);
    // no second definition of any MAC
    const macs = files
      .filter((f) => f.endsWith('.network'))
      .map((f) => /MACAddress=(\S+)/.exec(read(f))?.[1]);
    expect(new Set(macs).size).toBe(macs.length);
  });

  const routing = hasProgram('netplan', ['--help']) && hasProgram('unshare') && hasProgram('ip', ['-V']);
  const root = process.getuid?.() === 0;
  const withNamespace = (routing && root) || inCi() ? it : it.skip;
  if (!((routing && root) || inCi()))
    recordSkip('unshare/ip as root', 'netplan routes in a network namespace', 'run as root with iproute2');
  withNamespace('sends what comes from the API subnet, and what goes to pods, back over the API NIC', () => {
    const files = generate();
    const dev: Record<string, string> = { mgmt: 'm0', api: 'a0' };
    const cmds = [
      'set -e',
      'ip link add m0 type veth peer name m1',
      'ip link add a0 type veth peer name a1',
      'for l in m0 m1 a0 a1; do ip link set "$l" up; done',
      // what DHCP gives: management address and default route; the API address only (UseRoutes=false)
      'ip addr add 10.2.0.5/24 dev m0',
      'ip route add default via 10.2.0.1 dev m0',
      'ip addr add 10.1.0.21/24 dev a0',
      // an LB node's API VIP, as keepalived adds it
      'ip addr add 10.1.0.4/24 dev a0',
    ];
    for (const [id, nic] of Object.entries(dev)) {
      const text = files[`10-netplan-${id}.network`] ?? '';
      for (const r of sections(text, 'Route')) {
        cmds.push(
          [
            'ip route add',
            r.Destination,
            r.Gateway ? `via ${r.Gateway}` : '',
            `dev ${nic}`,
            r.GatewayOnLink === 'true' ? 'onlink' : '',
            r.Table ? `table ${r.Table}` : '',
            r.Scope ? `scope ${r.Scope}` : '',
          ]
            .filter(Boolean)
            .join(' '),
        );
      }
      for (const r of sections(text, 'RoutingPolicyRule'))
        cmds.push(`ip rule add from ${r.From} table ${r.Table} priority ${r.Priority}`);
    }
    const probes: [string, string][] = [
      ['172.30.4.4 from 10.1.0.21', 'reply to a pod'],
      ['192.0.2.7 from 10.1.0.4', "reply from the VIP to NCP's SNAT pool"],
      ['198.51.100.7 from 10.1.0.21', 'reply to any other network routed to the API side'],
      ['10.1.0.11 from 10.1.0.21', 'API subnet peer'],
      ['172.30.4.4', 'node to a pod (webhook)'],
      ['8.8.8.8', 'node to the internet'],
      ['10.2.0.9 from 10.2.0.5', 'management peer'],
    ];
    for (const [p] of probes) cmds.push(`echo "== ${p}"`, `ip -o route get ${p}`);
    // control: without the policy rule the same reply would leave by management, and be dropped
    cmds.push('ip rule del priority 100', 'echo "== no rule"', 'ip -o route get 198.51.100.7 from 10.1.0.21');
    const out = execFileSync('unshare', ['-n', 'sh', '-c', cmds.join('\n')], { encoding: 'utf8' });
    const got = Object.fromEntries(
      out
        .split('== ')
        .slice(1)
        .map((chunk) => [chunk.slice(0, chunk.indexOf('\n')), chunk.slice(chunk.indexOf('\n') + 1)]),
    );
    expect(got['172.30.4.4 from 10.1.0.21']).toMatch(/via 10\.1\.0\.1 dev a0/);
    expect(got['192.0.2.7 from 10.1.0.4']).toMatch(/via 10\.1\.0\.1 dev a0/);
    expect(got['198.51.100.7 from 10.1.0.21']).toMatch(/via 10\.1\.0\.1 dev a0 table 101/);
    expect(got['10.1.0.11 from 10.1.0.21']).toMatch(/^10\.1\.0\.11 from 10\.1\.0\.21 dev a0/);
    expect(got['172.30.4.4']).toMatch(/via 10\.1\.0\.1 dev a0 src 10\.1\.0\.21/);
    expect(got['8.8.8.8']).toMatch(/via 10\.2\.0\.1 dev m0 src 10\.2\.0\.5/);
    expect(got['10.2.0.9 from 10.2.0.5']).toMatch(/dev m0/);
    expect(got['no rule']).toMatch(/via 10\.2\.0\.1 dev m0/);
  });
});
