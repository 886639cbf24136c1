import {
  clusterFromTags,
  keyFromTags,
  keyTag,
  nodeName,
  resourceName,
  resourceTags,
} from '../../../src/core/names';

describe('names and tags', () => {
  it('tags a resource with its cluster, its key (no slashes) and the user tags', () => {
    expect(resourceTags('demo', 'port/worker-2/pod', { team: 'infra' })).toEqual([
      'viok-cluster=demo',
      'viok-key=port.worker-2.pod',
      'team=infra',
    ]);
  });

  it('reads the cluster and key back from tags', () => {
    const tags = ['other', keyTag('port/worker-2/pod'), 'viok-cluster=demo'];
    expect(keyFromTags(tags)).toBe('port/worker-2/pod');
    expect(clusterFromTags(tags)).toBe('demo');
    expect(keyFromTags(['x'])).toBeUndefined();
  });

  it('names resources and nodes predictably', () => {
    expect(resourceName('demo', 'network/mgmt')).toBe('viok-demo-network-mgmt');
    expect(nodeName('demo', 'control-plane', 1)).toBe('demo-cp-1');
    expect(nodeName('demo', 'worker', 12)).toBe('demo-worker-12');
    expect(nodeName('demo', 'lb', 2)).toBe('demo-lb-2');
  });
});
