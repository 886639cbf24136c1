/**
 * Nova's objects as the simulator keeps them, the seeded flavors, and the default quotas.
 */

export interface Flavor {
  id: string;
  name: string;
  ram: number;
  disk: number;
  vcpus: number;
  ephemeral: number;
  swap: number;
  is_public: boolean;
  description: string | null;
}

export interface Keypair {
  id: number;
  name: string;
  user_id: string;
  public_key: string;
  fingerprint: string;
  type: 'ssh' | 'x509';
  created_at: string;
}

export interface Nic {
  port_id: string;
  /** Nova created the port (networks: [{uuid}]) and deletes it with the server; a user's port is only unbound. */
  created_by_nova: boolean;
}

export interface ServerRecord {
  id: string;
  name: string;
  description: string | null;
  project_id: string;
  user_id: string;
  flavor_id: string;
  /** '' when booted from a volume. */
  image_id: string;
  key_name: string | null;
  metadata: Record<string, string>;
  tags: string[];
  user_data: string | null;
  availability_zone: string;
  security_groups: string[];
  access_ipv4: string;
  access_ipv6: string;
  config_drive: string;
  nics: Nic[];
  /** ms; the status follows from these times and the build time when the server was created. */
  created: number;
  updated: number;
  build_ms: number;
  /** Time per bootstrap phase on the simulated console (config.bootstrapStepMs at boot); absent in old state: 0. */
  bootstrap_step_ms?: number;
  /** The bootstrap phase the console reports as failed (faults.bootstrapFailures matched at boot). */
  bootstrap_fails_at?: string;
  /** Booting ends in ERROR (faults.errorServers matched at create). */
  fails: boolean;
  /** Stopped with os-stop. */
  stopped: boolean;
  deleted_at?: number;
}

export interface Quota {
  instances: number;
  cores: number;
  ram: number;
  key_pairs: number;
  metadata_items: number;
  server_groups: number;
  server_group_members: number;
  injected_files: number;
  injected_file_content_bytes: number;
  injected_file_path_bytes: number;
}

export interface NovaState {
  flavors: Flavor[];
  keypairs: Keypair[];
  servers: ServerRecord[];
  /** Per-project overrides of DEFAULT_QUOTA. */
  quotas: Record<string, Partial<Quota>>;
  nextKeypairId: number;
}

/** Nova's own defaults (nova.conf [quota]). */
export const DEFAULT_QUOTA: Quota = {
  instances: 10,
  cores: 20,
  ram: 51200,
  key_pairs: 100,
  metadata_items: 128,
  server_groups: 10,
  server_group_members: 10,
  injected_files: 5,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
};

/** The classic m1 flavors, with DevStack's ids. */
export function seedFlavors(): Flavor[] {
  const f = (id: string, name: string, ram: number, disk: number, vcpus: number): Flavor => ({
    id,
    name,
    ram,
    disk,
    vcpus,
    ephemeral: 0,
    swap: 0,
    is_public: true,
    description: null,
  });
  return [
    f('1', 'm1.tiny', 512, 1, 1),
    f('2', 'm1.small', 2048, 20, 1),
    f('3', 'm1.medium', 4096, 40, 2),
    f('4', 'm1.large', 8192, 80, 4),
    f('5', 'm1.xlarge', 16384, 160, 8),
  ];
}

/** The one availability zone and compute host. */
export const AVAILABILITY_ZONE = 'nova';
export const COMPUTE_HOST = 'sim-compute-1';
