import type { SimResponse } from '../framework';
import { buildXml, type XmlNode } from '../../clients/nsxv/xml';

/** An XML answer; element order is the key order of `content` (the order the vendor XSD declares). */
export function xmlResponse(
  status: number,
  root: string,
  content: XmlNode,
  headers: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml', ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${buildXml(root, content)}`,
  };
}

/** 201 with the new object's path in `Location` and no body, as the manager answers a create. */
export function created(location: string): SimResponse {
  return { status: 201, headers: { location } };
}

export function noContent(): SimResponse {
  return { status: 204 };
}
