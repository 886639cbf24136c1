import { isClusterObjectName } from '../../../src/provision/cluster-names';

describe('isClusterObjectName', () => {
  it.each([
    'viok-demo-network-internal',
    'viok-demo-subnet-pod',
    'viok-demo-router',
    'viok-demo-router-mgmt',
    'viok-demo-port-vip',
    'viok-demo-port-vip-mgmt',
    'viok-demo-port-cp-1',
    'viok-demo-port-worker-12-pod',
    'viok-demo-security-group-control-plane',
  ])('takes %s as a name viok gives cluster demo', (name) => {
    expect(isClusterObjectName('demo', name)).toBe(true);
  });

  it.each([
    'viok-demo-1-port-vip', // cluster demo-1
    'viok-demo-worker-port-cp-1', // cluster demo-worker
    'viok-demo-port-port-vip', // cluster demo-port
    'viok-demo-port-cp-1-port-vip', // cluster demo-port-cp-1
    'viok-demo-port-worker-0', // no node 0
    'viok-demo-notes', // the user's own
    'viok-demo-',
    'viok-demo-router-half',
  ])('does not take %s', (name) => {
    expect(isClusterObjectName('demo', name)).toBe(false);
  });

  it("also takes the names of keys the cluster's state recorded", () => {
    expect(isClusterObjectName('demo', 'viok-demo-router-half', ['router/half'])).toBe(true);
  });
});
