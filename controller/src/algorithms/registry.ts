import { type ControllerConfig, type ControllerKind, ErrorCode, GreenwaveError, controllerKinds } from '@greenwave/contracts';
import { actuatedAlgorithm } from './actuated.ts';
import { densityAlgorithm } from './density.ts';
import { fixedAlgorithm } from './fixed.ts';
import type { IntersectionView } from './intersection-view.ts';
import { maxPressureAlgorithm } from './max-pressure.ts';
import { queueAlgorithm } from './queue.ts';
import type { ControlAlgorithm, ControlInput, ControlOutput } from './types.ts';
import { websterAlgorithm } from './webster.ts';

/** Every algorithm by kind: adding a kind to contracts without an algorithm here fails to compile. */
export const algorithms = {
  fixed: fixedAlgorithm,
  webster: websterAlgorithm,
  actuated: actuatedAlgorithm,
  density: densityAlgorithm,
  queue: queueAlgorithm,
  maxpressure: maxPressureAlgorithm,
} satisfies { [K in ControllerKind]: ControlAlgorithm<K, never> | ControlAlgorithm<K, any> };

/** An algorithm bound to one intersection and its config, carrying its own state between decisions. */
export interface BoundController {
  readonly kind: ControllerKind;
  decide(input: ControlInput): ControlOutput<unknown>;
}

export function createController(view: IntersectionView, config: ControllerConfig): BoundController {
  const algorithm = (algorithms as Record<string, ControlAlgorithm<ControllerKind, unknown> | undefined>)[config.kind];
  if (!algorithm) {
    throw new GreenwaveError(ErrorCode.UNKNOWN_KIND, `unknown controller kind "${String((config as { kind: unknown }).kind)}" (known: ${controllerKinds.join(', ')})`);
  }
  let state = algorithm.init(view, config as never);
  return {
    kind: config.kind,
    decide(input) {
      const out = algorithm.decide(view, config as never, state, input);
      state = out.state;
      return out;
    },
  };
}
