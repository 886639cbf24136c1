import type { NovaHttp } from './nova-http';

export interface Keypair {
  name: string;
  public_key: string;
  fingerprint: string;
  type?: 'ssh' | 'x509';
  /** Only when Nova generated the key (no public_key in the request). */
  private_key?: string;
}

export class Keypairs {
  constructor(private readonly http: NovaHttp) {}

  async list(): Promise<Keypair[]> {
    const res = await this.http.request<{ keypairs: { keypair: Keypair }[] }>({
      method: 'GET',
      path: '/os-keypairs',
    });
    return res.data.keypairs.map((k) => k.keypair);
  }

  async get(name: string): Promise<Keypair> {
    const res = await this.http.request<{ keypair: Keypair }>({
      method: 'GET',
      path: `/os-keypairs/${encodeURIComponent(name)}`,
    });
    return res.data.keypair;
  }

  /** Imports a public key (409 when the name is taken). */
  async create(name: string, publicKey: string): Promise<Keypair> {
    const res = await this.http.request<{ keypair: Keypair }>({
      method: 'POST',
      path: '/os-keypairs',
      body: { keypair: { name, public_key: publicKey } },
    });
    return res.data.keypair;
  }

  async delete(name: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/os-keypairs/${encodeURIComponent(name)}` });
  }
}
