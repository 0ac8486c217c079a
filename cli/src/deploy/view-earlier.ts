import type { ApproachView } from '@greenwave/contracts';

/** The same view `back` seconds earlier: every vehicle moved back along its lane by its speed (the twin steps 1 s). */
export function viewEarlier(view: ApproachView, back: number): ApproachView {
  if (back === 0) return view;
  return { ...view, timeS: view.timeS - back, vehicles: view.vehicles.map((v) => ({ ...v, distanceM: v.distanceM + v.speedMps * back })) };
}
