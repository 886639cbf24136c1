import type { ErrorBodyParser } from '../http/types';
import { parseXml, text } from './xml';

/**
 * Reads NSX-V's `<error><details/><errorCode/><moduleName/></error>` into the ApiError's type (the
 * errorCode, so `isNotFound` knows 202) and message. JSON error bodies (the API's experimental JSON
 * output) carry the same fields.
 */
export const parseNsxvError: ErrorBodyParser = (_status, body) => {
  if (typeof body === 'string' && body.trimStart().startsWith('<')) {
    const { root, node } = parseXml(body);
    if (root !== 'error') return {};
    return withoutUndefined({ type: text(node, 'errorCode'), message: text(node, 'details') });
  }
  if (typeof body === 'object' && body !== null) {
    const o = body as Record<string, unknown>;
    return withoutUndefined({
      type: o.errorCode !== undefined ? String(o.errorCode) : undefined,
      message: typeof o.details === 'string' ? o.details : undefined,
    });
  }
  return {};
};

function withoutUndefined(r: { type: string | undefined; message: string | undefined }): {
  type?: string;
  message?: string;
} {
  return {
    ...(r.type !== undefined ? { type: r.type } : {}),
    ...(r.message !== undefined ? { message: r.message } : {}),
  };
}
