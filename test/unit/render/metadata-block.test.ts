/**
 * The metadata block of every Kubernetes node (render/metadata-block.ts), run for real: in a private
 * network namespace standing for the node, a "pod" namespace routed through it and a "metadata"
 * namespace holding 169.254.169.254. The unit's own command must stop the pod's packets and leave the
 * node's own traffic alone, and running it twice must add the rule once. Needs root, unshare, ip,
 * iptables and ping (CI has them); elsewhere skipped and recorded.
 */
import { execFileSync } from 'node:child_process';
import { metadataBlockUnit } from '../../../src/render/metadata-block';
import { inCi } from '../../helpers/ci';
import { hasProgram, recordSkip } from '../../helpers/programs';

const tools =
  hasProgram('unshare') &&
  hasProgram('ip', ['-V']) &&
  hasProgram('iptables', ['--version']) &&
  hasProgram('ping', ['-V']);
const runs = (tools && process.getuid?.() === 0) || inCi();
if (!runs)
  recordSkip(
    'root with unshare, ip, iptables, ping',
    'metadata block in network namespaces',
    'run as root; apt-get install -y iproute2 iptables iputils-ping util-linux',
  );

const script = (rule: string, tag: string): string => `
set -e
ip netns add pod${tag}
ip netns add meta${tag}
trap 'ip netns del pod${tag}; ip netns del meta${tag}' EXIT
ip link add vp type veth peer name eth0 netns pod${tag}
ip link add vm type veth peer name eth0 netns meta${tag}
ip link set lo up; ip link set vp up; ip link set vm up
ip addr add 10.244.0.1/24 dev vp
ip addr add 169.254.0.1/16 dev vm
ip netns exec pod${tag} sh -c 'ip link set lo up; ip link set eth0 up; ip addr add 10.244.0.2/24 dev eth0; ip route add default via 10.244.0.1'
ip netns exec meta${tag} sh -c 'ip link set lo up; ip link set eth0 up; ip addr add 169.254.169.254/16 dev eth0; ip route add default via 169.254.0.1'
echo 1 > /proc/sys/net/ipv4/ip_forward
r() { if "$@" >/dev/null 2>&1; then echo ok; else echo blocked; fi; }
echo "before pod=$(r ip netns exec pod${tag} ping -c1 -W1 169.254.169.254) node=$(r ping -c1 -W1 169.254.169.254)"
${rule}
${rule}
echo "after pod=$(r ip netns exec pod${tag} ping -c1 -W1 169.254.169.254) node=$(r ping -c1 -W1 169.254.169.254) gateway=$(r ip netns exec pod${tag} ping -c1 -W1 10.244.0.1)"
echo "rules=$(iptables -t raw -S PREROUTING | grep -c 169.254.169.254)"
`;

(runs ? it : it.skip)(
  "drops pod traffic to the metadata service, not the node's own, idempotently",
  () => {
    // the unit's ExecStart=/bin/sh -c '<rule>'
    const rule = /^ExecStart=\/bin\/sh -c '(.*)'$/m.exec(metadataBlockUnit)?.[1];
    expect(rule).toBeDefined();
    const out = execFileSync(
      'unshare',
      ['-m', '-n', 'sh', '-c', script(rule ?? 'false', String(process.pid))],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(out).toContain('before pod=ok node=ok');
    expect(out).toContain('after pod=blocked node=ok gateway=ok');
    expect(out).toContain('rules=1');
  },
  90_000,
);
