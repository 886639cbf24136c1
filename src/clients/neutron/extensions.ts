import type { HttpClient } from '../http/types';

export interface Extension {
  alias: string;
  name: string;
  description: string;
  updated?: string;
}

/** The cloud's Neutron extensions, read once and kept: they do not change while viok runs. */
export class NeutronExtensions {
  private cached: Promise<Extension[]> | undefined;

  constructor(private readonly http: HttpClient) {}

  async list(): Promise<Extension[]> {
    this.cached ??= this.http
      .request<{ extensions: Extension[] }>({ method: 'GET', path: '/extensions' })
      .then((r) => r.data.extensions)
      .catch((e: unknown) => {
        this.cached = undefined;
        throw e;
      });
    return this.cached;
  }

  async has(alias: string): Promise<boolean> {
    return (await this.list()).some((e) => e.alias === alias);
  }

  /**
   * Whether POST bodies may carry `tags`: the `tag-creation` extension (Neutron 2024.1 and later)
   * on top of `standard-attr-tag`. Zed has only `standard-attr-tag`, so tags are PUT after create.
   */
  async supportsCreateTimeTags(): Promise<boolean> {
    const aliases = new Set((await this.list()).map((e) => e.alias));
    return aliases.has('standard-attr-tag') && aliases.has('tag-creation');
  }
}
