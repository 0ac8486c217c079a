import type { CabinetRequest, ControllerConfig, ControllerKind, Intersection, LaneMeasurement, SignalStatus } from '@greenwave/contracts';
import type { IntersectionView } from './intersection-view.ts';

/** Queue on an outbound edge, as measured where it is the approach of the next junction (for max-pressure). */
export interface DownstreamState {
  queuePcu: number;
  lanes: number;
}

/** Everything an algorithm may look at for one decision. No clocks, no IO: time comes in here. */
export interface ControlInput {
  timeMs: number;
  signal: SignalStatus;
  /** Latest measurement of every inbound lane of this intersection. */
  lanes: readonly LaneMeasurement[];
  /** By outbound edge id; missing = unmeasured (boundary), treated as empty. */
  downstream: ReadonlyMap<string, DownstreamState>;
}

export interface ControlOutput<S> {
  state: S;
  /** What to ask of the cabinet now, or null to leave its requests as they are. */
  request: CabinetRequest | null;
  /** One line for logs and the live view: why this decision. */
  reason?: string;
}

/**
 * One control algorithm: a pure function from (state, input) to (state, request). Every algorithm implements this
 * interface; the registry picks one per intersection by the config's `kind`.
 */
export interface ControlAlgorithm<K extends ControllerKind, S> {
  readonly kind: K;
  init(view: IntersectionView, config: Extract<ControllerConfig, { kind: K }>): S;
  decide(view: IntersectionView, config: Extract<ControllerConfig, { kind: K }>, state: S, input: ControlInput): ControlOutput<S>;
}

export type { Intersection };
