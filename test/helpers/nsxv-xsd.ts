/**
 * Validates NSX-V XML against the vendor's XSDs (vendored in `test/fixtures/nsx-api/nsxv/schemas/`) with
 * libxml2's `xmllint --schema`, compiled to WebAssembly (`./xmllint`): no program beyond Node. A failure of
 * xmllint itself is an error, never a silent pass.
 *
 * The vendor XSDs were generated from the RAML's single examples, so a few of them are malformed or declare
 * a list as exactly one element. `KNOWN_GAPS` is the one place that adapts them, each entry with the vendor
 * text that justifies it; element names, order and types are never changed. A repair whose pattern no
 * longer matches the vendor file throws, so a new vendor drop cannot be patched silently.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { xmllint } from './xmllint';

export const NSXV_SCHEMA_DIR = path.resolve(__dirname, '../fixtures/nsx-api/nsxv/schemas');

interface Gap {
  /** Literal text replacements that make the file well-formed, or add a nested element the RAML's example has. */
  repairs?: [from: string, to: string][];
  /** Element declarations that may be absent or repeat (a list in the RAML's prose). */
  repeatable?: string[];
  /** Element declarations that may be absent. */
  optional?: string[];
  /** Optional elements the XSD lacks but the RAML documents, inserted after a sibling. */
  extra?: { name: string; after: string }[];
}

const LB_CONFIG_GAPS: Gap = {
  // `<xs:element name="clientSsl"/>` is closed before its complexType: the file is not well-formed.
  repairs: [['<xs:element name="clientSsl"/>', '<xs:element name="clientSsl" minOccurs="0">']],
  // RAML loadBalancerConfig: "The input contains five parts"; each is a list, and an empty edge has none.
  repeatable: ['virtualServer', 'applicationProfile', 'pool', 'monitor', 'applicationRule', 'member'],
  // Unset persistence is absent (vmware-nsx sends none for a profile without session persistence).
  optional: ['persistence'],
  extra: [
    // RAML virtualServersCreate: "applicationRuleId — Optional"; RAML pools: member "condition — Optional" (6.3).
    { name: 'applicationRuleId', after: 'accelerationEnabled' },
    { name: 'condition', after: 'maxConn' },
  ],
};

const POOL_GAPS: Gap = {
  // RAML pools: "member — Pool member list. Optional."; "condition — Optional ... enabled, disabled, or drain".
  repeatable: ['member'],
  // Where the RAML's poolUpdate example puts it: after maxConn, before name.
  extra: [{ name: 'condition', after: 'maxConn' }],
};

const PROFILE_GAPS: Gap = {
  optional: ['persistence'],
  // The profile's protocol; declared in loadBalancerConfig.xsd's applicationProfile right after sslPassthrough.
  extra: [{ name: 'template', after: 'sslPassthrough' }],
};

export const KNOWN_GAPS: Record<string, Gap> = {
  'loadBalancerConfig.xsd': LB_CONFIG_GAPS,
  'poolsCreate.xsd': POOL_GAPS,
  'poolUpdate.xsd': POOL_GAPS,
  'applicationProfilesCreate.xsd': PROFILE_GAPS,
  'applicationProfileUpdate.xsd': PROFILE_GAPS,
  // RAML virtualServersCreate: "applicationRuleId — Optional".
  'virtualServersCreate.xsd': { optional: ['applicationRuleId'] },
  // An Edge's vnics and a vnic's address groups and secondary addresses are lists; an unused vnic has none.
  'nsxEdgeUpdate.xsd': {
    repeatable: ['vnic', 'addressGroup', 'ipAddress'],
    optional: ['secondaryAddresses'],
  },
  'firewallRulesCreate.xsd': {
    // A stray `</xs:choice>` without its opening tag.
    repairs: [['</xs:choice>\n', '']],
    // RAML firewall rules: "Add one or more rules"; "applicationId — List of string".
    repeatable: ['firewallRule', 'applicationId'],
    // RAML: "ruleTag — Long, optional ... If not specified, NSX Manager will generate ruleId"; "source — Optional. Default is any".
    optional: ['ruleTag', 'source'],
  },
  'firewallRuleUpdate.xsd': {
    // The RAML's firewallRuleUpdate example has `<application><applicationId/><service><protocol/><port/>
    // <sourcePort/></service></application>`; the XSD generated from it lost `service` (the create one has it).
    repairs: [
      [
        '<xs:element type="xs:string" name="applicationId"/>\n',
        '<xs:element type="xs:string" name="applicationId"/>\n<xs:element name="service" minOccurs="0"><xs:complexType><xs:sequence>' +
          '<xs:element type="xs:string" name="protocol"/><xs:element type="xs:string" name="port"/>' +
          '<xs:element type="xs:string" name="sourcePort"/></xs:sequence></xs:complexType></xs:element>\n',
      ],
    ],
    // RAML firewall rules: "applicationId — List of string"; "ruleTag — Long, optional";
    // "source — Optional. Default is any".
    repeatable: ['applicationId'],
    optional: ['ruleTag', 'source'],
  },
};

export interface XsdOptions {
  /**
   * Validate against a nested element declaration, promoted to the root: the GET of one pool answers
   * the `pool` element that loadBalancerConfig.xsd declares inside `loadBalancer`.
   */
  root?: string;
  /** Further element declarations that may be absent (e.g. the id elements of an object before it exists). */
  optional?: string[];
}

export interface XsdResult {
  valid: boolean;
  /** xmllint's messages when invalid. */
  errors: string;
}

/** The vendor XSD with the documented gaps applied (and a nested element promoted, when asked). */
export function adaptedSchema(xsdFile: string, options: XsdOptions = {}): string {
  let text = readFileSync(path.join(NSXV_SCHEMA_DIR, xsdFile), 'utf8');
  const gap = KNOWN_GAPS[xsdFile] ?? {};
  for (const [from, to] of gap.repairs ?? []) {
    if (!text.includes(from))
      throw new Error(`${xsdFile}: the known defect "${from.trim()}" is gone; review KNOWN_GAPS`);
    text = text.replace(from, to);
  }
  for (const extra of gap.extra ?? []) text = insertAfter(text, xsdFile, extra.after, extra.name);
  for (const name of gap.repeatable ?? [])
    text = setOccurs(text, name, 'minOccurs="0" maxOccurs="unbounded"');
  for (const name of [...(gap.optional ?? []), ...(options.optional ?? [])])
    text = setOccurs(text, name, 'minOccurs="0"');
  return options.root ? promote(text, xsdFile, options.root) : text;
}

/** Validates `xml` against the vendor XSD `xsdFile` (a file name in NSXV_SCHEMA_DIR). */
export function validateNsxvXml(xml: string, xsdFile: string, options: XsdOptions = {}): XsdResult {
  const r = xmllint(
    [
      { fileName: 'schema.xsd', contents: adaptedSchema(xsdFile, options) },
      { fileName: 'body.xml', contents: xml },
    ],
    ['--noout', '--schema', 'schema.xsd', 'body.xml'],
  );
  if (r.exitCode !== 0 && r.exitCode !== 3 && r.exitCode !== 4)
    throw new Error(`xmllint failed (exit ${r.exitCode}) on ${xsdFile}:\n${r.stderr}`);
  return { valid: r.exitCode === 0, errors: r.exitCode === 0 ? '' : r.stderr };
}

/** A jest-friendly form: throws with xmllint's messages and the document when invalid. */
export function expectValidNsxvXml(xml: string, xsdFile: string, options: XsdOptions = {}): void {
  const r = validateNsxvXml(xml, xsdFile, options);
  if (!r.valid)
    throw new Error(
      `XML does not validate against ${xsdFile}${options.root ? ` (${options.root})` : ''}:\n${r.errors}\n${xml}`,
    );
}

const declaration = (name: string): RegExp =>
  new RegExp(`<xs:element((?: [a-zA-Z]+="[^"]*")*) name="${name}"((?: [a-zA-Z]+="[^"]*")*)\\s*(/?)>`, 'g');

function setOccurs(text: string, name: string, occurs: string): string {
  return text.replace(declaration(name), (_m, before: string, after: string, slash: string) => {
    const attrs = `${before} name="${name}"${after}`.replace(/ (minOccurs|maxOccurs)="[^"]*"/g, '');
    return `<xs:element${attrs} ${occurs}${slash}>`;
  });
}

function insertAfter(text: string, xsdFile: string, sibling: string, name: string): string {
  // The last declaration: `accelerationEnabled` is both a loadBalancer and a virtualServer field.
  const m = [
    ...text.matchAll(new RegExp(`^(\\s*)<xs:element type="[^"]*" name="${sibling}"/>\\n`, 'gm')),
  ].pop();
  if (!m)
    throw new Error(
      `${xsdFile}: no simple element "${sibling}" to insert "${name}" after; review KNOWN_GAPS`,
    );
  const line = `${m[1]}<xs:element type="xs:string" name="${name}" minOccurs="0"/>\n`;
  return text.slice(0, m.index + m[0].length) + line + text.slice(m.index + m[0].length);
}

/** Cuts the (first, non-empty) declaration of `name` out of the schema and makes it the root. */
function promote(text: string, xsdFile: string, name: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => {
    const t = l.trim();
    return (
      (t.startsWith(`<xs:element name="${name}">`) || t.startsWith(`<xs:element name="${name}" `)) &&
      !t.endsWith('/>')
    );
  });
  if (start < 0) throw new Error(`${xsdFile}: no complex element "${name}"`);
  const indent = (lines[start] ?? '').search(/\S/);
  const end = lines.findIndex(
    (l, i) => i > start && l.search(/\S/) === indent && l.trim() === '</xs:element>',
  );
  const open = (lines[start] ?? '').replace(/ (minOccurs|maxOccurs)="[^"]*"/g, '');
  const body = [open, ...lines.slice(start + 1, end + 1)].join('\n');
  return `<xs:schema attributeFormDefault="unqualified" elementFormDefault="qualified" xmlns:xs="http://www.w3.org/2001/XMLSchema">\n${body}\n</xs:schema>\n`;
}

export interface SchemaRef {
  xsd: string;
  options?: XsdOptions;
}

const LB = '/api/4.0/edges/[^/]+/loadbalancer/config';
const KINDS: Record<string, { element: string; create: string; update: string }> = {
  applicationprofiles: {
    element: 'applicationProfile',
    create: 'applicationProfilesCreate.xsd',
    update: 'applicationProfileUpdate.xsd',
  },
  monitors: { element: 'monitor', create: 'lbMonitorsCreate.xsd', update: 'lbMonitorUpdate.xsd' },
  pools: { element: 'pool', create: 'poolsCreate.xsd', update: 'poolUpdate.xsd' },
  // The RAML declares no PUT for a virtual server; the create schema is the closest the vendor has.
  virtualservers: {
    element: 'virtualServer',
    create: 'virtualServersCreate.xsd',
    update: 'virtualServersCreate.xsd',
  },
};

/**
 * The vendor schema for one exchange's body: `request` is what a client sends (the RAML names a schema per
 * operation), `response` what the manager answers (GETs answer the shapes of loadBalancerConfig.xsd and
 * nsxEdgeUpdate.xsd). Undefined where the vendor has no schema (Edge list, error bodies, firewall GET).
 */
export function nsxvSchemaFor(
  method: string,
  path: string,
  direction: 'request' | 'response',
): SchemaRef | undefined {
  const m = (re: string): RegExpExecArray | null => new RegExp(`^${re}$`).exec(path);
  const item = m(`${LB}/(\\w+)/[^/]+`);
  const collection = m(`${LB}/(\\w+)`);
  const kind = KINDS[(item ?? collection)?.[1] ?? ''];
  if (direction === 'request') {
    if (method === 'PUT' && m(LB)) return { xsd: 'loadBalancerConfig.xsd' };
    if (kind && method === 'POST' && collection) return { xsd: kind.create };
    if (kind && method === 'PUT' && item) return { xsd: kind.update };
    if (method === 'PUT' && m('/api/4.0/edges/[^/]+/vnics/\\d+'))
      return { xsd: 'nsxEdgeUpdate.xsd', options: { root: 'vnic' } };
    if (method === 'POST' && m('/api/4.0/edges/[^/]+/firewall/config/rules'))
      return { xsd: 'firewallRulesCreate.xsd' };
    if (method === 'PUT' && m('/api/4.0/edges/[^/]+/firewall/config/rules/[^/]+'))
      return { xsd: 'firewallRuleUpdate.xsd' };
    return undefined;
  }
  if (method !== 'GET') return undefined;
  if (m(LB) || (kind && collection)) return { xsd: 'loadBalancerConfig.xsd' };
  if (kind && item) return { xsd: 'loadBalancerConfig.xsd', options: { root: kind.element } };
  if (m('/api/4.0/edges/[^/]+/vnics/\\d+')) return { xsd: 'nsxEdgeUpdate.xsd', options: { root: 'vnic' } };
  if (m('/api/4.0/edges/[^/]+/vnics')) return { xsd: 'nsxEdgeUpdate.xsd', options: { root: 'vnics' } };
  return undefined;
}
