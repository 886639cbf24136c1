/**
 * Every XML body the NSX-V client sends validates against the vendor XSD the RAML names for that operation
 * (xmllint), with the element names and order the schema declares.
 */
import { createNsxvClient } from '../../../../src/clients/nsxv';
import type { LoadBalancerConfig, PoolMember } from '../../../../src/clients/nsxv';
import { expectValidNsxvXml, nsxvSchemaFor } from '../../../helpers/nsxv-xsd';
import { fakeHttp } from './fake-http';

const EDGE = 'edge-7';

function lastBody(http: ReturnType<typeof fakeHttp>): { method: string; path: string; body: string } {
  const req = http.requests.filter((r) => r.body !== undefined).pop();
  if (!req || typeof req.body !== 'string') throw new Error('no XML body was sent');
  return { method: req.method, path: req.path, body: req.body };
}

/** Validates the last body sent against the schema for its operation. */
function expectVendorValid(http: ReturnType<typeof fakeHttp>): string {
  const { method, path, body } = lastBody(http);
  const ref = nsxvSchemaFor(method, path, 'request');
  if (!ref) throw new Error(`no vendor schema for ${method} ${path}`);
  expectValidNsxvXml(body, ref.xsd, ref.options);
  return body;
}

const created = (id: string) => () => ({
  status: 201,
  headers: { location: `/api/4.0/edges/${EDGE}/loadbalancer/config/x/${id}` },
});

const member = (i: number, extra: Partial<PoolMember> = {}): PoolMember => ({
  name: `n${i}`,
  ipAddress: `10.0.0.${i}`,
  port: 6443,
  ...extra,
});

describe('NSX-V client request bodies', () => {
  it.each([
    ['a TCP profile', { name: 'p', template: 'TCP' as const }],
    [
      'an HTTP profile with cookie persistence',
      {
        name: 'p',
        template: 'HTTP' as const,
        insertXForwardedFor: true,
        persistence: { method: 'cookie', cookieName: 'JSESSIONID', cookieMode: 'insert' },
      },
    ],
  ])('application profile create and update: %s', async (_name, input) => {
    const http = fakeHttp(created('applicationProfile-1'));
    const c = createNsxvClient(http);
    expect(await c.applicationProfiles.create(EDGE, input)).toBe('applicationProfile-1');
    expect(expectVendorValid(http)).toContain(`<template>${input.template}</template>`);
    await c.applicationProfiles.update(EDGE, 'applicationProfile-1', input);
    expectVendorValid(http);
  });

  it.each([
    ['tcp', { name: 'm', type: 'tcp' }],
    [
      'http with method and url',
      { name: 'm', type: 'http', method: 'GET', url: '/healthz', interval: 10, timeout: 5, maxRetries: 2 },
    ],
  ])('monitor create and update: %s', async (_name, input) => {
    const http = fakeHttp(created('monitor-1'));
    const c = createNsxvClient(http);
    expect(await c.monitors.create(EDGE, input)).toBe('monitor-1');
    expectVendorValid(http);
    await c.monitors.update(EDGE, 'monitor-1', input);
    expectVendorValid(http);
  });

  it.each([
    ['no members', []],
    ['one member', [member(1)]],
    [
      '32 members, one drained',
      Array.from({ length: 32 }, (_, i) => member(i + 1, i === 5 ? { condition: 'drain' } : {})),
    ],
  ])('pool create and update: %s', async (_name, members) => {
    const http = fakeHttp(created('pool-1'));
    const c = createNsxvClient(http);
    expect(await c.pools.create(EDGE, { name: 'pool', monitorId: 'monitor-1', members })).toBe('pool-1');
    const body = expectVendorValid(http);
    expect(body.match(/<member>/g) ?? []).toHaveLength(members.length);
    await c.pools.update(EDGE, 'pool-1', { name: 'pool', members });
    expectVendorValid(http);
  });

  it('virtual server create and update', async () => {
    const http = fakeHttp(created('virtualServer-1'));
    const c = createNsxvClient(http);
    const input = {
      name: 'vip',
      ipAddress: '192.168.10.60',
      protocol: 'tcp',
      port: '6443',
      defaultPoolId: 'pool-1',
      applicationProfileId: 'applicationProfile-1',
      accelerationEnabled: true,
    };
    expect(await c.virtualServers.create(EDGE, input)).toBe('virtualServer-1');
    expect(expectVendorValid(http)).not.toContain('applicationRuleId');
    await c.virtualServers.update(EDGE, 'virtualServer-1', { ...input, enabled: false });
    expectVendorValid(http);
  });

  it('a whole load-balancer config PUT', async () => {
    const config: LoadBalancerConfig = {
      enabled: true,
      accelerationEnabled: true,
      enableServiceInsertion: false,
      logging: { enable: false, logLevel: 'info' },
      virtualServers: [
        {
          id: 'virtualServer-1',
          name: 'vip',
          description: '',
          enabled: true,
          ipAddress: '192.168.10.60',
          protocol: 'tcp',
          port: '6443',
          connectionLimit: 0,
          connectionRateLimit: 0,
          accelerationEnabled: true,
          defaultPoolId: 'pool-1',
        },
      ],
      applicationProfiles: [
        {
          id: 'applicationProfile-1',
          name: 'p',
          template: 'TCP',
          insertXForwardedFor: false,
          sslPassthrough: false,
          serverSslEnabled: false,
        },
      ],
      pools: [
        {
          id: 'pool-1',
          name: 'pool',
          description: '',
          algorithm: 'round-robin',
          transparent: false,
          members: [1, 2].map((i) => ({
            ...member(i),
            memberId: `member-${i}`,
            monitorPort: 6443,
            weight: 1,
            minConn: 0,
            maxConn: 0,
            condition: i === 2 ? ('disabled' as const) : ('enabled' as const),
          })),
        },
      ],
      monitors: [{ id: 'monitor-1', name: 'm', type: 'tcp', interval: 5, timeout: 15, maxRetries: 3 }],
    };
    const http = fakeHttp();
    await createNsxvClient(http).loadBalancer.putConfig(EDGE, config);
    expectVendorValid(http);
  });

  it('a firewall rule for a VIP', async () => {
    const http = fakeHttp(() => ({
      status: 201,
      headers: { location: `/api/4.0/edges/${EDGE}/firewall/config/rules/131074` },
    }));
    const id = await createNsxvClient(http).firewall.addRule(EDGE, {
      name: 'vip',
      destinationIps: ['192.168.10.60'],
      protocol: 'tcp',
      port: '6443',
    });
    expect(id).toBe('131074');
    expectVendorValid(http);
  });

  it('a vnic PUT that adds a secondary address keeps the vnic as read and the address-group order', async () => {
    const shaping =
      '<averageBandwidth>0</averageBandwidth><peakBandwidth>0</peakBandwidth><burstSize>0</burstSize><enabled>false</enabled><inherited>false</inherited>';
    const vnic = (i: number, primary: string, mask: string): string =>
      `<vnic><index>${i}</index><name>v${i}</name><type>${i === 0 ? 'uplink' : 'internal'}</type><portgroupId>pg-${i}</portgroupId><addressGroups><addressGroup><primaryAddress>${primary}</primaryAddress>` +
      `<subnetMask>${mask}</subnetMask></addressGroup></addressGroups><mtu>1500</mtu><enableProxyArp>false</enableProxyArp><enableSendRedirects>true</enableSendRedirects>` +
      `<isConnected>true</isConnected><inShapingPolicy>${shaping}</inShapingPolicy><outShapingPolicy>${shaping}</outShapingPolicy></vnic>`;
    const http = fakeHttp((req) =>
      req.method === 'GET'
        ? {
            data: `<vnics>${vnic(0, '192.168.10.5', '255.255.255.0')}${vnic(1, '10.0.0.1', '255.255.255.0')}</vnics>`,
          }
        : { status: 204 },
    );
    const c = createNsxvClient(http);
    expect(await c.edges.addSecondaryAddress(EDGE, '10.0.0.50')).toBe(true);
    const { path, body } = lastBody(http);
    expect(path).toBe(`/api/4.0/edges/${EDGE}/vnics/1`);
    expect(body).toContain(
      '<primaryAddress>10.0.0.1</primaryAddress><secondaryAddresses><ipAddress>10.0.0.50</ipAddress></secondaryAddresses><subnetMask>',
    );
    expectVendorValid(http);
    await expect(c.edges.addSecondaryAddress(EDGE, '172.16.0.1')).rejects.toThrow(
      /no interface on a subnet that contains 172.16.0.1/,
    );
  });

  it('sends XML with XML content type and asks for XML back', async () => {
    const http = fakeHttp(created('pool-1'));
    await createNsxvClient(http).pools.create(EDGE, { name: 'pool' });
    expect(http.requests[0]).toMatchObject({
      method: 'POST',
      path: `/api/4.0/edges/${EDGE}/loadbalancer/config/pools`,
      headers: { accept: 'application/xml', 'content-type': 'application/xml' },
      responseType: 'text',
    });
  });
});
