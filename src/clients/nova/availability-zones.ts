import type { NovaHttp } from './nova-http';

export interface AvailabilityZone {
  zoneName: string;
  zoneState: { available: boolean };
}

export class AvailabilityZones {
  constructor(private readonly http: NovaHttp) {}

  async list(): Promise<AvailabilityZone[]> {
    const res = await this.http.request<{ availabilityZoneInfo: AvailabilityZone[] }>({
      method: 'GET',
      path: '/os-availability-zone',
    });
    return res.data.availabilityZoneInfo;
  }
}
