import type { NovaHttp } from './nova-http';

/** Nova's absolute limits and usage; -1 is unlimited. */
export interface AbsoluteLimits {
  maxTotalInstances: number;
  maxTotalCores: number;
  maxTotalRAMSize: number;
  maxTotalKeypairs: number;
  maxServerMeta: number;
  totalInstancesUsed: number;
  totalCoresUsed: number;
  totalRAMUsed: number;
  [name: string]: number;
}

export class Limits {
  constructor(private readonly http: NovaHttp) {}

  async get(): Promise<AbsoluteLimits> {
    const res = await this.http.request<{ limits: { absolute: AbsoluteLimits } }>({
      method: 'GET',
      path: '/limits',
    });
    return res.data.limits.absolute;
  }
}
