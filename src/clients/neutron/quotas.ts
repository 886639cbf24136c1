import type { HttpClient } from '../http/types';

/** Neutron quota limits; -1 is unlimited. */
export interface NeutronQuota {
  network: number;
  subnet: number;
  port: number;
  router: number;
  floatingip: number;
  security_group: number;
  security_group_rule: number;
  [resource: string]: number;
}

export interface QuotaUsage {
  limit: number;
  used: number;
  reserved: number;
}

export class NeutronQuotas {
  constructor(private readonly http: HttpClient) {}

  async get(projectId: string): Promise<NeutronQuota> {
    const res = await this.http.request<{ quota: NeutronQuota }>({
      method: 'GET',
      path: `/quotas/${projectId}`,
    });
    return res.data.quota;
  }

  /** Limits with current usage (`quota_details` extension), for the preflight quota check. */
  async usage(projectId: string): Promise<Record<string, QuotaUsage>> {
    const res = await this.http.request<{ quota: Record<string, QuotaUsage> }>({
      method: 'GET',
      path: `/quotas/${projectId}/details`,
    });
    return res.data.quota;
  }

  /** Admin only. */
  async update(projectId: string, quota: Partial<NeutronQuota>): Promise<NeutronQuota> {
    const res = await this.http.request<{ quota: NeutronQuota }>({
      method: 'PUT',
      path: `/quotas/${projectId}`,
      body: { quota },
    });
    return res.data.quota;
  }

  /** Admin only: back to the defaults. */
  async reset(projectId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/quotas/${projectId}` });
  }
}
