import type { Generated } from 'kysely';

/** The centre's tables (snake_case as stored; times are ms since the epoch or the scenario clock). */
export interface Database {
  users: { username: string; password_hash: string; role: string; created_ms: number };
  sessions: { token_hash: string; username: string; role: string; expires_ms: number };
  agents: { agent_id: string; intersection_id: string; token_hash: string; last_seq: number; last_command_seq: number; created_ms: number };
  measurements_1m: MeasurementRow;
  measurements_15m: MeasurementRow;
  /** Quarters (15-minute buckets) whose 1-minute rows changed since they were last rolled up. */
  rollup_pending: { intersection_id: string; bucket_ms: number };
  events: { id: Generated<number>; intersection_id: string; time_ms: number; code: number; param: number };
  alarms: { id: Generated<number>; intersection_id: string; time_ms: number; code: string; severity: string; message: string; active: number };
  audit: { id: Generated<number>; time_ms: number; username: string; role: string; action: string; target: string; reason: string; detail: string };
  controller_choice: { intersection_id: string; config_json: string; username: string; time_ms: number };
  overrides: { intersection_id: string; kind: string; detail_json: string; username: string; reason: string; time_ms: number };
}

export interface MeasurementRow {
  intersection_id: string;
  approach_id: string;
  lane_index: number;
  bucket_ms: number;
  samples: number;
  count: number;
  count_pcu: number;
  occupancy_sum: number;
  queue_max_m: number;
  queue_pcu_sum: number;
  density_sum: number;
  speed_sum: number;
  speed_samples: number;
}
