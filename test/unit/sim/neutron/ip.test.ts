import {
  cidrsOverlap,
  defaultPools,
  formatIp,
  hostRange,
  parseCidr,
  parseIp,
} from '../../../../src/sim/neutron/ip';

const pools = (cidr: string, gateway?: string): string[] => {
  const c = parseCidr(cidr);
  if (!c) throw new Error(cidr);
  const gw = gateway === undefined ? undefined : parseIp(gateway)?.value;
  return defaultPools(c, gw).map((r) => `${formatIp(r.first, c.version)}-${formatIp(r.last, c.version)}`);
};

describe('ip arithmetic', () => {
  it.each([
    ['10.0.0.0/24', '10.0.0.1', ['10.0.0.2-10.0.0.254']],
    ['10.0.0.0/24', '10.0.0.254', ['10.0.0.1-10.0.0.253']],
    ['10.0.0.0/29', '10.0.0.4', ['10.0.0.1-10.0.0.3', '10.0.0.5-10.0.0.6']],
    ['10.0.0.0/24', '192.0.2.1', ['10.0.0.1-10.0.0.254']],
    ['10.0.0.0/30', undefined, ['10.0.0.1-10.0.0.2']],
    ['10.0.0.0/31', undefined, ['10.0.0.0-10.0.0.1']],
    ['fd00::/126', 'fd00::1', ['fd00::2-fd00::3']],
  ])('default pools of %s with gateway %s', (cidr, gateway, expected) => {
    expect(pools(cidr, gateway)).toEqual(expected);
  });

  it.each(['10.0.0.5/24', '10.0.0.0/33', '10.1/16', 'banana', '10.0.0.0/-1'])(
    'rejects %s as a strict subnet CIDR',
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );

  it('accepts host bits when not strict and normalises them', () => {
    const c = parseCidr('10.0.0.5/24', false);
    expect(c && formatIp(c.first, 4)).toBe('10.0.0.0');
  });

  it('detects overlap only within one IP version', () => {
    const a = parseCidr('10.0.0.0/16');
    const b = parseCidr('10.0.5.0/24');
    const c = parseCidr('10.1.0.0/24');
    const v6 = parseCidr('::/0');
    if (!a || !b || !c || !v6) throw new Error('parse');
    expect(cidrsOverlap(a, b)).toBe(true);
    expect(cidrsOverlap(a, c)).toBe(false);
    expect(cidrsOverlap(a, v6)).toBe(false);
  });

  it('has no hosts in a /32 beyond the address itself', () => {
    const c = parseCidr('10.0.0.7/32');
    expect(c && hostRange(c)).toEqual({ first: c?.first, last: c?.first });
  });

  it('round-trips IPv6 text in canonical form', () => {
    const ip = parseIp('FD00:0:0:0::10');
    expect(ip && formatIp(ip.value, ip.version)).toBe('fd00::10');
  });
});
