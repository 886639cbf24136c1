import type { LbCodec } from './lb-resource';
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

/** How the Edge's load balancer writes and reads a monitor; `lbResource` makes the API of it. */
export const monitorCodec: LbCodec<Monitor, MonitorInput> = {
  collection: 'monitors',
  element: 'monitor',
  toXml: monitorToXml,
  fromXml: monitorFromXml,
};
