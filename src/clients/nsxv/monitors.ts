import type { HttpClient } from '../http/types';
import { lbResource, type LbCodec, type LbResourceApi } from './lb-resource';
import type { Monitor, MonitorInput } from './types';
import { int, text, type XmlNode } from './xml';

const DEFAULTS = { interval: 5, timeout: 15, maxRetries: 3 };

/** lbMonitorsCreate.xsd / lbMonitorUpdate.xsd order; method and url are empty for tcp monitors. */
export function monitorToXml(m: MonitorInput): XmlNode {
  return {
    type: m.type,
    interval: String(m.interval ?? DEFAULTS.interval),
    timeout: String(m.timeout ?? DEFAULTS.timeout),
    maxRetries: String(m.maxRetries ?? DEFAULTS.maxRetries),
    method: m.method ?? '',
    url: m.url ?? '',
    name: m.name,
  };
}

/** loadBalancerConfig.xsd order: the id first. */
export function monitorToConfigXml(m: Monitor): XmlNode {
  return { monitorId: m.id, ...monitorToXml(m) };
}

export function monitorFromXml(n: XmlNode): Monitor {
  const method = text(n, 'method');
  const url = text(n, 'url');
  return {
    id: text(n, 'monitorId') ?? '',
    name: text(n, 'name') ?? '',
    type: text(n, 'type') ?? '',
    interval: int(n, 'interval') ?? DEFAULTS.interval,
    timeout: int(n, 'timeout') ?? DEFAULTS.timeout,
    maxRetries: int(n, 'maxRetries') ?? DEFAULTS.maxRetries,
    ...(method ? { method } : {}),
    ...(url ? { url } : {}),
  };
}

const codec: LbCodec<Monitor, MonitorInput> = {
  collection: 'monitors',
  element: 'monitor',
  toXml: monitorToXml,
  fromXml: monitorFromXml,
};

export type MonitorsApi = LbResourceApi<Monitor, MonitorInput>;

export function monitorsApi(http: HttpClient): MonitorsApi {
  return lbResource(http, codec);
}
