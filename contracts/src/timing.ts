import { z } from 'zod';

/** A duration that the cabinet keeps in tenths of a second (NTCIP 1202 units). */
const tenths = (description: string, min: number, max: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, { message: 'must be a multiple of 0.1 s' })
    .meta({ description });

/** NTCIP-1202-style timing of one phase (phaseMinimumGreen, phasePassage, phaseMaximum1, ...). */
export const PhaseTiming = z
  .strictObject({
    minGreenS: tenths('Minimum green (s): the green is never shorter', 1, 60),
    passageS: tenths('Passage / vehicle extension (s): gap that keeps an actuated green going', 0, 10),
    maxGreenS: tenths('Maximum green (s) under actuated control', 1, 255),
    yellowS: tenths('Yellow change interval (s)', 3, 6),
    redClearanceS: tenths('Red clearance (all-red) after yellow (s)', 0, 6),
    walkS: tenths('Pedestrian walk (s); 0 = no pedestrian phase', 0, 60).default(0),
    pedClearanceS: tenths('Pedestrian clearance, flashing don’t walk (s)', 0, 60).default(0),
  })
  .superRefine((timing, ctx) => {
    if (timing.maxGreenS < timing.minGreenS) {
      ctx.addIssue({ code: 'custom', path: ['maxGreenS'], input: timing.maxGreenS, message: `must be at least minGreenS (${timing.minGreenS})` });
    }
  })
  .meta({ title: 'PhaseTiming', description: 'Timing of one phase as a cabinet stores it' });
export type PhaseTiming = z.infer<typeof PhaseTiming>;
export type PhaseTimingInput = z.input<typeof PhaseTiming>;

/** The shortest green a phase may show, pedestrians included. */
export function effectiveMinGreenS(timing: PhaseTiming, pedestrianServed: boolean): number {
  return pedestrianServed ? Math.max(timing.minGreenS, timing.walkS + timing.pedClearanceS) : timing.minGreenS;
}

export function clearanceS(timing: PhaseTiming): number {
  return timing.yellowS + timing.redClearanceS;
}
