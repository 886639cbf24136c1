/** The XSD check itself can fail: wrong order, unknown elements and missing required ones are caught. */
import { adaptedSchema, validateNsxvXml } from '../../../helpers/nsxv-xsd';

const MONITOR = (inner: string): string => `<monitor>${inner}</monitor>`;
const FIELDS =
  '<type>tcp</type><interval>5</interval><timeout>15</timeout><maxRetries>3</maxRetries><method></method><url></url><name>m</name>';

describe('vendor XSD check', () => {
  it('accepts a body in the schema order', () => {
    expect(validateNsxvXml(MONITOR(FIELDS), 'lbMonitorsCreate.xsd')).toEqual({ valid: true, errors: '' });
  });

  it.each([
    [
      'elements out of order',
      MONITOR(
        FIELDS.replace('<type>tcp</type><interval>5</interval>', '<interval>5</interval><type>tcp</type>'),
      ),
    ],
    ['an element the schema does not declare', MONITOR(`${FIELDS}<colour>red</colour>`)],
    ['a required element missing', MONITOR(FIELDS.replace('<name>m</name>', ''))],
    ['the wrong root', `<pool>${FIELDS}</pool>`],
  ])('rejects %s', (_what, xml) => {
    const r = validateNsxvXml(xml, 'lbMonitorsCreate.xsd');
    expect(r.valid).toBe(false);
    expect(r.errors).toMatch(/fails to validate|not expected|Missing child|No matching global/);
  });

  it('keeps typed elements typed: a virtual server connectionLimit must be a number', () => {
    const vs = (limit: string): string =>
      `<virtualServer><name>v</name><description></description><enabled>true</enabled><ipAddress>10.0.0.1</ipAddress><protocol>tcp</protocol><port>80</port><connectionLimit>${limit}</connectionLimit>` +
      '<connectionRateLimit>0</connectionRateLimit><applicationProfileId></applicationProfileId><defaultPoolId></defaultPoolId><enableServiceInsertion>false</enableServiceInsertion><accelerationEnabled>false</accelerationEnabled></virtualServer>';
    expect(validateNsxvXml(vs('0'), 'virtualServersCreate.xsd').valid).toBe(true);
    expect(validateNsxvXml(vs('lots'), 'virtualServersCreate.xsd').valid).toBe(false);
  });

  it('validates a nested declaration promoted to the root', () => {
    const pool =
      '<pool><poolId>pool-1</poolId><name>p</name><description></description><transparent>false</transparent><algorithm>round-robin</algorithm><monitorId></monitorId></pool>';
    expect(validateNsxvXml(pool, 'loadBalancerConfig.xsd', { root: 'pool' }).valid).toBe(true);
    expect(
      validateNsxvXml(pool.replace('<poolId>pool-1</poolId>', ''), 'loadBalancerConfig.xsd', { root: 'pool' })
        .valid,
    ).toBe(false);
  });

  it('adapts the vendor files only as documented: names and order are the vendor text', () => {
    const schema = adaptedSchema('poolsCreate.xsd');
    expect(schema).toContain('name="member" minOccurs="0" maxOccurs="unbounded"');
    const order = [...schema.matchAll(/name="(\w+)"/g)].map((m) => m[1]);
    expect(order).toEqual([
      'pool',
      'name',
      'description',
      'transparent',
      'algorithm',
      'monitorId',
      'member',
      'ipAddress',
      'weight',
      'port',
      'minConn',
      'maxConn',
      'condition',
      'name',
      'monitorPort',
    ]);
  });
});
