import type { HttpClient } from '../http/types';
import { isNotFound } from '../http/errors';
import { profileFromXml, profileToConfigXml } from './application-profiles';
import { monitorFromXml, monitorToConfigXml } from './monitors';
import { poolFromXml, poolToConfigXml } from './pools';
import { edgePath, getXml, xmlRequest } from './request';
import type { LoadBalancerConfig } from './types';
import { virtualServerFromXml, virtualServerToConfigXml } from './virtual-servers';
import { bool, child, children, text, type XmlNode } from './xml';

export interface LoadBalancerApi {
  getConfig(edgeId: string): Promise<LoadBalancerConfig>;
  /** PUT of the whole config (loadBalancerConfig.xsd). */
  putConfig(edgeId: string, config: LoadBalancerConfig): Promise<void>;
  /**
   * Turns the Edge's load balancer on (and L4 acceleration, as vmware-nsx's `enable_edge_acceleration`
   * does) by a read-modify-write of the config. No PUT when it already is; returns whether it changed.
   */
  enable(edgeId: string, options?: { acceleration?: boolean }): Promise<boolean>;
  /** DELETE of the whole config: every virtual server, pool, monitor and profile on the Edge. */
  deleteConfig(edgeId: string): Promise<void>;
}

export function configFromXml(n: XmlNode): LoadBalancerConfig {
  const logging = child(n, 'logging');
  return {
    enabled: bool(n, 'enabled', false),
    accelerationEnabled: bool(n, 'accelerationEnabled', false),
    enableServiceInsertion: bool(n, 'enableServiceInsertion', false),
    logging: { enable: bool(logging, 'enable', false), logLevel: text(logging, 'logLevel') ?? 'info' },
    virtualServers: children(n, 'virtualServer').map(virtualServerFromXml),
    applicationProfiles: children(n, 'applicationProfile').map(profileFromXml),
    pools: children(n, 'pool').map(poolFromXml),
    monitors: children(n, 'monitor').map(monitorFromXml),
  };
}

/** loadBalancerConfig.xsd order. */
export function configToXml(c: LoadBalancerConfig): XmlNode {
  return {
    enabled: String(c.enabled),
    enableServiceInsertion: String(c.enableServiceInsertion),
    accelerationEnabled: String(c.accelerationEnabled),
    logging: { enable: String(c.logging.enable), logLevel: c.logging.logLevel },
    virtualServer: c.virtualServers.map(virtualServerToConfigXml),
    applicationProfile: c.applicationProfiles.map(profileToConfigXml),
    pool: c.pools.map(poolToConfigXml),
    monitor: c.monitors.map(monitorToConfigXml),
  };
}

export function loadBalancerApi(http: HttpClient): LoadBalancerApi {
  const configPath = (edgeId: string): string => edgePath(edgeId, 'loadbalancer', 'config');
  async function getConfig(edgeId: string): Promise<LoadBalancerConfig> {
    return configFromXml(await getXml(http, configPath(edgeId)));
  }
  async function putConfig(edgeId: string, config: LoadBalancerConfig): Promise<void> {
    await xmlRequest(http, 'PUT', configPath(edgeId), {
      body: { root: 'loadBalancer', content: configToXml(config) },
    });
  }
  return {
    getConfig,
    putConfig,
    async enable(edgeId, options = {}) {
      const config = await getConfig(edgeId);
      const acceleration = options.acceleration ?? true;
      if (config.enabled && config.accelerationEnabled === acceleration) return false;
      await putConfig(edgeId, { ...config, enabled: true, accelerationEnabled: acceleration });
      return true;
    },
    async deleteConfig(edgeId) {
      try {
        await xmlRequest(http, 'DELETE', configPath(edgeId));
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },
  };
}
