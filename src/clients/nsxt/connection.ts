/**
 * The NSX-T Manager API over an HttpClient: authentication on every call (with a new session after
 * error_code 98), cursor paging followed transparently, and the `_revision` read-modify-write loop.
 */
import { OperationError } from '../../core/errors';
import { isApiError, isConflict } from '../http/errors';
import type { Clock, HttpClient, HttpRequest, QueryValue } from '../http/types';
import { createAuthenticator, type NsxtAuthOptions, type NsxtAuthenticator } from './session';
import type { ListResult, NsxResource } from './types';

export const API_BASE = '/api/v1';

export interface NsxtClientOptions {
  auth: NsxtAuthOptions;
  /**
   * Send `X-Allow-Overwrite: true` on every change, so objects a principal identity owns (the Neutron
   * plugin's logical ports) can be modified by a super user. Each call can override it. @default false
   */
  allowOverwrite?: boolean;
  /** Attempts of a read-modify-write before giving up on a stale `_revision`. @default 5 */
  maxUpdateAttempts?: number;
  /** Waits between read-modify-write attempts. Without a clock the retry is immediate. */
  clock?: Clock;
  /** Delay before the n-th retry is n times this. @default 200 */
  updateRetryDelayMs?: number;
}

export interface WriteOptions {
  /** Overrides the client's `allowOverwrite` for this call. */
  allowOverwrite?: boolean;
}

/** nsxlib treats a cursor starting with this as the end of the list. */
const NULL_CURSOR_PREFIX = '0000';

/** The manager's stale-revision answers: 412, and 409 which nsxlib maps to the same StaleRevision. */
export function isStaleRevision(e: unknown): boolean {
  return isConflict(e) || (isApiError(e) && e.status === 412);
}

export class NsxtConnection {
  private readonly authenticator: NsxtAuthenticator;

  constructor(
    readonly http: HttpClient,
    readonly options: NsxtClientOptions,
  ) {
    this.authenticator = createAuthenticator(http, options.auth);
  }

  /** One authenticated call; `path` is relative to `/api/v1`. Logs in again once if the session expired. */
  async call<T>(req: HttpRequest & { write?: WriteOptions }): Promise<T> {
    const { write, ...base } = req;
    const send = async (): Promise<T> => {
      const headers = { ...(await this.authenticator.headers()), ...base.headers };
      const overwrite = write?.allowOverwrite ?? this.options.allowOverwrite;
      if (req.method !== 'GET' && overwrite) headers['x-allow-overwrite'] = 'true';
      const res = await this.http.request<T>({ ...base, path: `${API_BASE}${base.path}`, headers });
      return res.data;
    };
    try {
      return await send();
    } catch (e) {
      if (this.authenticator.invalidate(e)) return send();
      throw e;
    }
  }

  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.call<T>({ method: 'GET', path, ...(query ? { query } : {}) });
  }

  /** Every page of a list, following `cursor` until the manager stops returning one. */
  async list<T>(path: string, query: Record<string, QueryValue> = {}): Promise<T[]> {
    const all: T[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.get<ListResult<T>>(path, cursor ? { ...query, cursor } : query);
      all.push(...(page.results ?? []));
      cursor = page.cursor;
      if (cursor && seen.has(cursor))
        throw new OperationError(`NSX-T returned the same cursor twice while listing ${path}`);
      if (cursor) seen.add(cursor);
    } while (cursor && !cursor.startsWith(NULL_CURSOR_PREFIX));
    return all;
  }

  /**
   * GET, change, PUT with the `_revision` just read; on a stale revision (412, or 409) read again and
   * repeat, up to `maxUpdateAttempts`. `change` returns the new body, or undefined when nothing needs to
   * change (then no PUT is sent and the current object is returned).
   */
  async readModifyWrite<T extends NsxResource>(
    path: string,
    change: (current: T) => T | undefined,
    write?: WriteOptions,
    /** The object as a list just returned it (with its `_revision`): the first attempt skips the GET. */
    known?: T,
  ): Promise<T> {
    const attempts = this.options.maxUpdateAttempts ?? 5;
    const delay = this.options.updateRetryDelayMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      // after a 412 the object changed under us: read it again
      const current = attempt === 1 && known ? known : await this.get<T>(path);
      const next = change(structuredClone(current));
      if (next === undefined) return current;
      try {
        return await this.call<T>({
          method: 'PUT',
          path,
          body: { ...next, _revision: current._revision },
          ...(write ? { write } : {}),
        });
      } catch (e) {
        if (!isStaleRevision(e) || attempt >= attempts) throw e;
        await this.options.clock?.sleep(delay * attempt);
      }
    }
  }
}
