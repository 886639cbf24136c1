import { canonicalCidr, cidrsOverlap, isCidr, isIpAddress, parseCidr } from '../../../src/util/cidr';

const cidr = (text: string) => {
  const c = parseCidr(text);
  if (!c) throw new Error(`not a CIDR: ${text}`);
  return c;
};

describe('cidr', () => {
  it.each(['10.0.0.0/24', '0.0.0.0/0', '192.0.2.1/32', 'fd00::/64', '::/0', '2001:db8::1/128'])(
    '%s is a CIDR',
    (t) => {
      expect(isCidr(t)).toBe(true);
    },
  );

  it.each([
    '10.0.0.0',
    '10.0.0.0/33',
    '10.0.0/24',
    '10.0.0.0/-1',
    '10.0.0.0/ 24',
    'fd00::/129',
    '010.0.0.0/8',
    '0x0a.0.0.0/8',
    'fe80::1%eth0/64',
    'a/b',
    '',
  ])('%j is not a CIDR', (t) => {
    expect(isCidr(t)).toBe(false);
  });

  it('accepts dotted-quad and IPv6 addresses only', () => {
    expect(isIpAddress('192.0.2.10')).toBe(true);
    expect(isIpAddress('2001:db8::10')).toBe(true);
    for (const bad of [
      '192.0.2',
      '3232235521',
      '192.168.1.010',
      '0xc0.0.0.1',
      'fe80::1%eth0',
      'dns.example.com',
    ]) {
      expect(isIpAddress(bad)).toBe(false);
    }
  });

  it('finds host bits and the network address', () => {
    expect(cidr('10.0.0.5/24')).toMatchObject({ hostBitsSet: true, network: '10.0.0.0', prefix: 24 });
    expect(canonicalCidr(cidr('10.0.0.5/24'))).toBe('10.0.0.0/24');
    expect(cidr('10.0.0.0/24').hostBitsSet).toBe(false);
    expect(canonicalCidr(cidr('fd00::1/64'))).toBe('fd00::/64');
  });

  it('detects overlap in both directions, and only within a family', () => {
    expect(cidrsOverlap(cidr('10.0.0.0/8'), cidr('10.20.0.0/24'))).toBe(true);
    expect(cidrsOverlap(cidr('10.20.0.0/24'), cidr('10.0.0.0/8'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.0/24'), cidr('10.0.1.0/24'))).toBe(false);
    expect(cidrsOverlap(cidr('10.96.0.0/12'), cidr('10.100.0.0/16'))).toBe(true);
    expect(cidrsOverlap(cidr('0.0.0.0/0'), cidr('::/0'))).toBe(false);
  });
});
