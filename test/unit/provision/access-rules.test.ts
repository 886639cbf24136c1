import { cloudProviderAccessRules } from '../../../src/provision/credentials/access-rules';

describe('cloudProviderAccessRules', () => {
  it('reaches only Nova, Neutron, Cinder and Octavia: never Keystone, Glance or any other service', () => {
    const services = new Set(cloudProviderAccessRules.map((r) => r.service));
    expect([...services].sort()).toEqual(['compute', 'load-balancer', 'network', 'volumev3']);
  });

  it('cannot create or delete servers, networks or ports', () => {
    const writes = cloudProviderAccessRules.filter((r) => r.method !== 'GET');
    for (const path of [
      '/v2.1/servers',
      '/v2.1/servers/*',
      '/v2.0/networks',
      '/v2.0/ports',
      '/v2.0/ports/*',
    ]) {
      expect(writes.filter((r) => r.path === path)).toEqual([]);
    }
  });

  it('lists each rule once', () => {
    const keys = cloudProviderAccessRules.map((r) => `${r.service} ${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
