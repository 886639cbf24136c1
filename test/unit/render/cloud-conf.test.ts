import { renderCloudConf } from '../../../src/render/cloud-conf';

describe('renderCloudConf', () => {
  const base = {
    authUrl: 'https://keystone.example:5000/v3',
    applicationCredentialId: 'ac-id',
    applicationCredentialSecret: 's3cr;et "x"',
  };

  it('writes [Global] only, with values quoted so ; and " cannot end them', () => {
    expect(renderCloudConf({ ...base, region: 'RegionOne' })).toBe(
      [
        '[Global]',
        'auth-url="https://keystone.example:5000/v3"',
        'application-credential-id="ac-id"',
        'application-credential-secret="s3cr;et \\"x\\""',
        'region="RegionOne"',
        '',
      ].join('\n'),
    );
  });

  it('adds tls-insecure, ca-file, [Networking] and [LoadBalancer] when given', () => {
    const text = renderCloudConf({
      ...base,
      tlsInsecure: true,
      caFile: '/etc/kubernetes/ca.pem',
      networking: { internalNetworkName: 'k8s-net', publicNetworkName: 'ext' },
      loadBalancer: { enabled: false },
    });
    expect(text).toContain('tls-insecure=true\nca-file="/etc/kubernetes/ca.pem"\n');
    expect(text).toContain('[Networking]\ninternal-network-name="k8s-net"\npublic-network-name="ext"\n');
    expect(text).toContain('[LoadBalancer]\nenabled=false\n');
    expect(text).not.toContain('region=');
  });

  it('writes the Octavia choices', () => {
    const text = renderCloudConf({
      ...base,
      loadBalancer: { enabled: true, lbProvider: 'amphora', floatingNetworkId: 'net-1' },
    });
    expect(
      text.endsWith('[LoadBalancer]\nenabled=true\nlb-provider="amphora"\nfloating-network-id="net-1"\n'),
    ).toBe(true);
  });

  it('refuses a value with a line break (it would start a new key)', () => {
    expect(() => renderCloudConf({ ...base, region: 'a\nb' })).toThrow(/line break/);
  });
});
