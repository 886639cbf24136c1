/**
 * Neutron simulator over HTTP: security groups and rules — default rules, validation,
 * duplicates (409 SecurityGroupRuleExists) and in-use deletes.
 */
import { startNeutron, type Json, type NeutronHarness } from '../../helpers/neutron-harness';

let h: NeutronHarness;
beforeAll(async () => {
  h = await startNeutron();
});
afterAll(async () => h.stop());

function neutronError(type: string, message?: string): Record<string, unknown> {
  return { NeutronError: { type, message: message ?? expect.any(String), detail: '' } };
}

async function group(name: string, token?: string): Promise<Json> {
  const r = await h.api(
    'POST',
    '/v2.0/security-groups',
    { security_group: { name, description: `${name} group` } },
    token,
  );
  expect(r.status).toBe(201);
  return r.body.security_group;
}

function ruleShape(r: Json): string {
  return `${r.direction} ${r.ethertype} remote_group=${r.remote_group_id === null ? 'none' : 'self'}`;
}

describe('security groups', () => {
  it('gives a new group the two default egress rules', async () => {
    const g = await group('web');
    expect(g).toMatchObject({ name: 'web', description: 'web group', stateful: true, tags: [] });
    expect(g.security_group_rules.map(ruleShape).sort()).toEqual([
      'egress IPv4 remote_group=none',
      'egress IPv6 remote_group=none',
    ]);
  });

  it("gives the project's default group ingress from itself as well", async () => {
    const groups = (await h.api('GET', '/v2.0/security-groups?name=default', undefined, h.demoToken)).body
      .security_groups;
    expect(groups).toHaveLength(1);
    const rules = groups[0].security_group_rules;
    expect(rules.map(ruleShape).sort()).toEqual([
      'egress IPv4 remote_group=none',
      'egress IPv6 remote_group=none',
      'ingress IPv4 remote_group=self',
      'ingress IPv6 remote_group=self',
    ]);
    expect(
      rules
        .filter((r: { remote_group_id: string | null }) => r.remote_group_id)
        .every((r: { remote_group_id: string }) => r.remote_group_id === groups[0].id),
    ).toBe(true);
  });

  it('refuses a second group named default and renaming or deleting the default group', async () => {
    const dup = await h.api(
      'POST',
      '/v2.0/security-groups',
      { security_group: { name: 'default' } },
      h.demoToken,
    );
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual(
      neutronError('SecurityGroupDefaultAlreadyExists', 'Default security group already exists.'),
    );
    const def = (await h.api('GET', '/v2.0/security-groups?name=default', undefined, h.demoToken)).body
      .security_groups[0];
    const rename = await h.api(
      'PUT',
      `/v2.0/security-groups/${def.id}`,
      { security_group: { name: 'other' } },
      h.demoToken,
    );
    expect(rename.status).toBe(409);
    expect(rename.body).toEqual(neutronError('SecurityGroupCannotUpdateDefault'));
    const del = await h.api('DELETE', `/v2.0/security-groups/${def.id}`, undefined, h.demoToken);
    expect(del.status).toBe(409);
    expect(del.body).toEqual(
      neutronError('SecurityGroupCannotRemoveDefault', 'Removing default security group not allowed.'),
    );
  });

  it('updates name and description', async () => {
    const g = await group('old');
    const r = await h.api('PUT', `/v2.0/security-groups/${g.id}`, {
      security_group: { name: 'new', description: 'd' },
    });
    expect(r.body.security_group).toMatchObject({ name: 'new', description: 'd', revision_number: 1 });
  });

  it('refuses to delete a group a port uses: 409 SecurityGroupInUse', async () => {
    const g = await group('in-use');
    const net = (await h.api('POST', '/v2.0/networks', { network: { name: 'sgnet' } })).body.network;
    await h.api('POST', '/v2.0/subnets', {
      subnet: { network_id: net.id, cidr: '10.0.0.0/24', ip_version: 4 },
    });
    const p = (await h.api('POST', '/v2.0/ports', { port: { network_id: net.id, security_groups: [g.id] } }))
      .body.port;
    const r = await h.api('DELETE', `/v2.0/security-groups/${g.id}`);
    expect(r.status).toBe(409);
    expect(r.body).toEqual(neutronError('SecurityGroupInUse', `Security Group ${g.id} in use.`));
    await h.api('DELETE', `/v2.0/ports/${p.id}`);
    expect((await h.api('DELETE', `/v2.0/security-groups/${g.id}`)).status).toBe(204);
    expect(
      (await h.api('GET', `/v2.0/security-group-rules?security_group_id=${g.id}`)).body.security_group_rules,
    ).toEqual([]);
  });
});

describe('security group rules', () => {
  let g: Json;
  beforeAll(async () => {
    g = await group('rules');
  });

  it('creates a TCP rule with a CIDR and shows it in the group', async () => {
    const r = await h.api('POST', '/v2.0/security-group-rules', {
      security_group_rule: {
        security_group_id: g.id,
        direction: 'ingress',
        protocol: 'tcp',
        port_range_min: 6443,
        port_range_max: 6443,
        remote_ip_prefix: '10.0.0.0/16',
        description: 'kube-apiserver',
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.security_group_rule).toMatchObject({
      security_group_id: g.id,
      direction: 'ingress',
      ethertype: 'IPv4',
      protocol: 'tcp',
      port_range_min: 6443,
      port_range_max: 6443,
      remote_ip_prefix: '10.0.0.0/16',
      normalized_cidr: '10.0.0.0/16',
      remote_group_id: null,
      description: 'kube-apiserver',
    });
    const shown = (await h.api('GET', `/v2.0/security-groups/${g.id}`)).body.security_group;
    expect(shown.security_group_rules.map((x: { id: string }) => x.id)).toContain(
      r.body.security_group_rule.id,
    );
  });

  it('refuses the same rule twice with 409 SecurityGroupRuleExists naming the existing rule', async () => {
    const body = {
      security_group_id: g.id,
      direction: 'ingress',
      protocol: 'udp',
      port_range_min: 8472,
      port_range_max: 8472,
      remote_group_id: g.id,
    };
    const first = await h.api('POST', '/v2.0/security-group-rules', { security_group_rule: body });
    expect(first.status).toBe(201);
    const again = await h.api('POST', '/v2.0/security-group-rules', {
      security_group_rule: { ...body, protocol: '17', description: 'other text' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(
      neutronError(
        'SecurityGroupRuleExists',
        `Security group rule already exists. Rule id is ${first.body.security_group_rule.id}.`,
      ),
    );
  });

  it('treats 0.0.0.0/0 as the same as no remote prefix', async () => {
    const r = await h.api('POST', '/v2.0/security-group-rules', {
      security_group_rule: { security_group_id: g.id, direction: 'egress', remote_ip_prefix: '0.0.0.0/0' },
    });
    expect(r.status).toBe(409);
  });

  it.each([
    [
      'a port range without protocol',
      { port_range_min: 22, port_range_max: 22 },
      400,
      'SecurityGroupProtocolRequiredWithPorts',
    ],
    [
      'min above max',
      { protocol: 'tcp', port_range_min: 30, port_range_max: 22 },
      400,
      'SecurityGroupInvalidPortRange',
    ],
    [
      'port 0 for tcp',
      { protocol: 'tcp', port_range_min: 0, port_range_max: 10 },
      400,
      'SecurityGroupInvalidPortValue',
    ],
    [
      'port 70000',
      { protocol: 'tcp', port_range_min: 1, port_range_max: 70000 },
      400,
      'SecurityGroupInvalidPortValue',
    ],
    [
      'an ICMP type above 255',
      { protocol: 'icmp', port_range_min: 300 },
      400,
      'SecurityGroupInvalidIcmpValue',
    ],
    ['an unknown protocol', { protocol: 'carrier-pigeon' }, 400, 'SecurityGroupRuleInvalidProtocol'],
    [
      'remote prefix and remote group',
      { remote_ip_prefix: '10.0.0.0/8', remote_group_id: 'GROUP' },
      400,
      'SecurityGroupRemoteGroupAndRemoteIpPrefix',
    ],
    [
      'an IPv6 prefix on an IPv4 rule',
      { remote_ip_prefix: 'fd00::/8' },
      400,
      'SecurityGroupRuleParameterConflict',
    ],
    ['a bad ethertype', { ethertype: 'IPX' }, 400, 'SecurityGroupRuleInvalidEtherType'],
    ['a bad direction', { direction: 'sideways' }, 400, 'HTTPBadRequest'],
    [
      'an unknown group',
      { security_group_id: '00000000-0000-4000-8000-000000000006' },
      404,
      'SecurityGroupNotFound',
    ],
    [
      'an unknown remote group',
      { remote_group_id: '00000000-0000-4000-8000-000000000007' },
      404,
      'SecurityGroupNotFound',
    ],
  ])('rejects %s', async (_label, extra, status, type) => {
    const body: Record<string, unknown> = { security_group_id: g.id, direction: 'ingress', ...extra };
    if (body.remote_group_id === 'GROUP') body.remote_group_id = g.id;
    const r = await h.api('POST', '/v2.0/security-group-rules', { security_group_rule: body });
    expect(r.status).toBe(status);
    expect(r.body).toEqual(neutronError(type));
  });

  it('accepts ICMP type/code and protocol numbers', async () => {
    const icmp = await h.api('POST', '/v2.0/security-group-rules', {
      security_group_rule: {
        security_group_id: g.id,
        direction: 'ingress',
        protocol: 'icmp',
        port_range_min: 8,
        port_range_max: 0,
      },
    });
    expect(icmp.status).toBe(201);
    const vrrp = await h.api('POST', '/v2.0/security-group-rules', {
      security_group_rule: { security_group_id: g.id, direction: 'ingress', protocol: '112' },
    });
    expect(vrrp.body.security_group_rule.protocol).toBe('112');
  });

  it('deletes a rule', async () => {
    const r = (
      await h.api('POST', '/v2.0/security-group-rules', {
        security_group_rule: {
          security_group_id: g.id,
          direction: 'ingress',
          protocol: 'tcp',
          port_range_min: 22,
          port_range_max: 22,
        },
      })
    ).body.security_group_rule;
    expect((await h.api('DELETE', `/v2.0/security-group-rules/${r.id}`)).status).toBe(204);
    expect((await h.api('GET', `/v2.0/security-group-rules/${r.id}`)).status).toBe(404);
  });
});
