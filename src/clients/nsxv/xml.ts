/**
 * XML in and out for the NSX-V API. Requests are built from plain objects whose key order is the element
 * order the vendor XSDs declare; responses are read leniently (any order, missing elements), as the real
 * API reads them.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

export interface XmlNode {
  [element: string]: XmlValue;
}
/** `undefined` leaves an optional element out of a request. */
export type XmlValue = string | XmlNode | XmlValue[] | undefined;

/** Elements that are lists wherever they appear below the root. */
const LIST_ELEMENTS = new Set([
  'edgeSummary',
  'vnic',
  'addressGroup',
  'virtualServer',
  'applicationProfile',
  'pool',
  'monitor',
  'member',
  'applicationRule',
  'applicationRuleId',
  'firewallRule',
]);

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name, jPath) => {
    const path = String(jPath);
    if (!path.includes('.')) return false;
    return LIST_ELEMENTS.has(name) || path.endsWith('secondaryAddresses.ipAddress');
  },
});

const builder = new XMLBuilder({ suppressEmptyNode: false });

/** Parses a document and returns its root element's name and content. */
export function parseXml(xml: string): { root: string; node: XmlNode } {
  const doc = parser.parse(xml) as Record<string, unknown>;
  const [root] = Object.keys(doc);
  if (root === undefined) throw new Error('empty XML document');
  const value = doc[root];
  return { root, node: isNode(value) ? value : {} };
}

/** Serialises `{ root: content }`; undefined values are left out, arrays repeat the element. */
export function buildXml(root: string, content: XmlNode): string {
  return builder.build({ [root]: content }) as string;
}

export function isNode(v: unknown): v is XmlNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The text of a child element; undefined when absent or empty. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s !== '' ? s : undefined;
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const v = node?.[name];
  return isNode(v) ? v : undefined;
}

/** Child elements that may repeat, as nodes (empty when absent). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const v = node?.[name];
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return all.filter(isNode);
}

/** Repeated simple elements (`<ipAddress>a</ipAddress><ipAddress>b</ipAddress>`). */
export function texts(node: XmlNode | undefined, name: string): string[] {
  const v = node?.[name];
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return all.filter((s): s is string => typeof s === 'string' && s !== '');
}

export function bool(node: XmlNode | undefined, name: string, fallback: boolean): boolean {
  const s = text(node, name);
  return s === undefined ? fallback : s.toLowerCase() === 'true';
}

export function int(node: XmlNode | undefined, name: string): number | undefined {
  const s = text(node, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}
