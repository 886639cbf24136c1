import { redactJson, redactText } from '../../../../src/clients/http/redact';

// Issue 17: the secret of the cluster's application credential comes back once, in create's answer,
// and is rendered into cloud.conf: neither may reach the --debug log.
describe('redaction of the cluster credential', () => {
  test('the create answer keeps the id and access rules and hides the secret', () => {
    const answer = {
      application_credential: {
        id: 'a1',
        name: 'viok-demo',
        secret: 'the-secret-value',
        access_rules: [{ id: 'r1', service: 'network', method: 'GET', path: '/v2.0/ports' }],
      },
    };
    const out = JSON.stringify(redactJson(answer));
    expect(out).not.toContain('the-secret-value');
    expect(out).toContain('"id":"a1"');
    expect(out).toContain('/v2.0/ports');
  });

  test('cloud.conf text hides the application-credential-secret value', () => {
    const out = redactText(
      '[Global]\napplication-credential-id="a1"\napplication-credential-secret="s3cr3t-value"\n',
    );
    expect(out).not.toContain('s3cr3t-value');
    expect(out).toContain('application-credential-id="a1"');
  });
});
