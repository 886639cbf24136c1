import { formatCreateSummary } from '../../../src/report';
import type { ClusterOutputs } from '../../../src/provision/backend';

const outputs: ClusterOutputs = {
  apiEndpoint: { host: '192.0.2.10', port: 6443 },
  nodes: [
    { name: 'demo-cp-1', role: 'control-plane', addresses: { mgmt: ['10.0.0.5'] } },
    { name: 'demo-worker-1', role: 'worker', addresses: { mgmt: ['10.0.0.6'] } },
    { name: 'demo-lb-1', role: 'lb', addresses: { mgmt: ['10.0.0.7'] } },
  ],
  loadBalancer: { vip: '192.0.2.10', nodes: ['demo-lb-1'] },
};
const kubeconfig = { file: '/home/u/demo.kubeconfig', context: 'viok-demo' };

describe('formatCreateSummary: "ready" only after the Kubernetes wait', () => {
  it('ready: says so, and the next step is kubectl through the kubeconfig', () => {
    const text = formatCreateSummary('demo', outputs, kubeconfig, { status: 'ready', nodes: ['demo-cp-1'] });
    expect(text.split('\n')[0]).toBe(
      'Cluster demo is ready: the API server answers /readyz and every node is Ready.',
    );
    expect(text).toContain('Kubeconfig:    /home/u/demo.kubeconfig (context viok-demo)');
    expect(text.split('\n').at(-1)).toBe(
      'Next: kubectl --kubeconfig /home/u/demo.kubeconfig --context viok-demo get nodes',
    );
  });

  it('--wait=false: the servers are up, how to check, how to wait; never "ready"', () => {
    const text = formatCreateSummary('demo', outputs, kubeconfig, { status: 'not-waited' });
    expect(text.split('\n')[0]).toBe(
      'Cluster demo: the servers are up; Kubernetes may still be starting (not waited for: --wait=false).',
    );
    expect(text).toContain('kubectl --kubeconfig /home/u/demo.kubeconfig --context viok-demo get nodes');
    expect(text).toContain('viok describe cluster demo');
    expect(text).not.toMatch(/is ready/);
  });

  it('simulated: the nodes are simulated; no kubectl hint', () => {
    const text = formatCreateSummary('demo', outputs, kubeconfig, { status: 'simulated' });
    expect(text.split('\n')[0]).toBe(
      'Cluster demo exists in the simulator: its nodes are simulated and run no Kubernetes.',
    );
    expect(text).toContain('Nodes (simulated):');
    expect(text).not.toMatch(/kubectl|is ready/);
    expect(text.split('\n').at(-1)).toBe('Next: viok describe cluster demo --sim');
  });
});
