import { redactBody, redactHeader, redactHeaders, redactText } from '../../../../src/clients/http/redact';

describe('redaction for debug logs', () => {
  test.each([
    ['X-Auth-Token', 'gAAAAAtoken', '***'],
    ['x-subject-token', 'gAAAAAtoken', '***'],
    ['Authorization', 'Basic YWRtaW46cGFzcw==', 'Basic ***'],
    ['authorization', 'Bearer eyJhbGciOi', 'Bearer ***'],
    ['Cookie', 'JSESSIONID=abc', '***'],
    ['Set-Cookie', 'JSESSIONID=abc; Path=/', '***'],
    ['X-XSRF-TOKEN', 'xsrf', '***'],
    ['content-type', 'application/json', 'application/json'],
    ['x-openstack-request-id', 'req-1', 'req-1'],
  ])('header %s', (name, value, shown) => {
    expect(redactHeader(name, value)).toBe(shown);
  });

  test('multi-valued headers are joined, then redacted', () => {
    expect(redactHeaders({ 'set-cookie': ['a=1', 'b=2'], via: ['x', 'y'], gone: undefined })).toEqual({
      'set-cookie': '***',
      via: 'x, y',
    });
  });

  test('JSON: secrets anywhere, ids only under auth.identity, structure kept', () => {
    const body = {
      auth: {
        identity: {
          methods: ['token'],
          token: { id: 'tok' },
          application_credential: { id: 'ac', name: 'n', secret: 'sec' },
          password: { user: { id: 'uid', name: 'u', password: 'pw' } },
        },
        scope: { project: { id: 'p1' } },
      },
      network: { id: 'n1', name: 'net' },
      server: { user_data: 'I2Nsb3Vk', adminPass: 'ap' },
      keypair: { private_key: 'k' },
    };
    expect(redactBody(body)).toEqual({
      auth: {
        identity: {
          methods: ['token'],
          token: { id: '***' },
          application_credential: { id: '***', name: 'n', secret: '***' },
          password: { user: { id: '***', name: 'u', password: '***' } },
        },
        scope: { project: { id: 'p1' } },
      },
      network: { id: 'n1', name: 'net' },
      server: { user_data: '***', adminPass: '***' },
      keypair: { private_key: '***' },
    });
  });

  test('JSON text bodies are parsed and redacted; the original object is not changed', () => {
    const original = { password: 'pw' };
    expect(redactBody(JSON.stringify(original))).toEqual({ password: '***' });
    redactBody(original);
    expect(original.password).toBe('pw');
  });

  test('text: PEM private keys, URL credentials, session cookies, XML passwords', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----';
    expect(redactText(`key ${pem} done`)).toBe(
      'key -----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY----- done',
    );
    expect(redactText('https://admin:Secr3t@nsx.example/api')).toBe('https://***@nsx.example/api');
    expect(redactText('JSESSIONID=ABC123; Path=/')).toBe('JSESSIONID=***; Path=/');
    expect(redactBody('<user><name>admin</name><password>Secr3t</password></user>')).toBe(
      '<user><name>admin</name><password>***</password></user>',
    );
    // A certificate is public: it stays.
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    expect(redactText(cert)).toBe(cert);
  });
});

describe('form-encoded credentials', () => {
  it('redacts the NSX-T session login body', () => {
    const line = redactText('POST /api/session/create j_username=admin&j_password=VMware1%21VMware1%21');
    expect(line).toBe('POST /api/session/create j_username=admin&j_password=***');
  });
});
