import { redactBody } from '../../../../src/clients/http/redact';

describe('redaction of namespaced attributes', () => {
  it('Nova returns user_data as OS-EXT-SRV-ATTR:user_data (microversion 2.3+): redacted like user_data', () => {
    // cloud-init user data carries the cluster's CA keys and the bootstrap token, base64-encoded
    const server = {
      server: {
        id: 's1',
        'OS-EXT-SRV-ATTR:user_data': Buffer.from('#cloud-config\ntoken: abcdef.0123456789abcdef').toString(
          'base64',
        ),
        'OS-EXT-SRV-ATTR:hostname': 'demo-cp-1',
      },
    };
    expect(redactBody(JSON.stringify(server))).toEqual({
      server: { id: 's1', 'OS-EXT-SRV-ATTR:user_data': '***', 'OS-EXT-SRV-ATTR:hostname': 'demo-cp-1' },
    });
  });

  it('a namespaced key that is not a secret is kept', () => {
    expect(redactBody({ 'OS-EXT-STS:vm_state': 'active' })).toEqual({ 'OS-EXT-STS:vm_state': 'active' });
  });
});
