import { XMLValidator } from 'fast-xml-parser';
import type { Handler, SimRequest, SimResponse } from '../framework';
import { parseXml, type XmlNode } from '../../clients/nsxv/xml';
import { checkBasicAuth } from './auth';
import { NsxvFault, faultResponse, invalid } from './errors';

/** Every NSX-V route: basic auth first, and any NsxvFault rendered as the XML error body. */
export function route(handler: Handler): Handler {
  return async (req, params) => {
    try {
      checkBasicAuth(req);
      return await handler(req, params);
    } catch (e) {
      if (e instanceof NsxvFault) return faultResponse(e);
      throw e;
    }
  };
}

/** The request's XML body, whose root must be `root` (or one of `roots`). */
export function xmlBody(req: SimRequest, ...roots: string[]): { root: string; node: XmlNode } {
  const raw = req.rawBody.trim();
  if (raw === '' || !raw.startsWith('<'))
    throw invalid(`The request body must be XML with a <${roots[0]}> element.`);
  const check = XMLValidator.validate(raw);
  if (check !== true) throw invalid(`The request body is not well-formed XML: ${check.err.msg}`);
  const parsed = parseXml(raw);
  if (!roots.includes(parsed.root)) throw invalid(`Expected a <${roots[0]}> element, got <${parsed.root}>.`);
  return parsed;
}

export type { SimResponse };
