/**
 * Indiana traffic signal hi-resolution data logger enumerations (as used by ATSPM). The twin, agents and centre all
 * log with these codes so performance measures are computed the same way on simulated and field data.
 */
export const HiResEvent = {
  PHASE_ON: 0,
  PHASE_BEGIN_GREEN: 1,
  PHASE_CHECK: 2,
  PHASE_MIN_COMPLETE: 3,
  PHASE_GAP_OUT: 4,
  PHASE_MAX_OUT: 5,
  PHASE_FORCE_OFF: 6,
  PHASE_GREEN_TERMINATION: 7,
  PHASE_BEGIN_YELLOW: 8,
  PHASE_END_YELLOW: 9,
  PHASE_BEGIN_RED_CLEARANCE: 10,
  PHASE_END_RED_CLEARANCE: 11,
  PHASE_INACTIVE: 12,
  PEDESTRIAN_BEGIN_WALK: 21,
  PEDESTRIAN_BEGIN_CLEARANCE: 22,
  PEDESTRIAN_BEGIN_DONT_WALK: 23,
  PHASE_HOLD_ACTIVE: 41,
  PHASE_HOLD_RELEASED: 42,
  PHASE_CALL_REGISTERED: 43,
  PHASE_CALL_DROPPED: 44,
  PHASE_OMIT_ON: 45,
  PHASE_OMIT_OFF: 46,
  DETECTOR_OFF: 81,
  DETECTOR_ON: 82,
  BARRIER_TERMINATION: 31,
  COORD_PATTERN_CHANGE: 131,
  CYCLE_LENGTH_CHANGE: 132,
  OFFSET_LENGTH_CHANGE: 133,
  UNIT_FLASH_STATUS: 173,
  ALARM_STATUS: 174,
  POWER_FAILURE_DETECTED: 182,
} as const;
export type HiResEventCode = (typeof HiResEvent)[keyof typeof HiResEvent];

/** One hi-res event: (timestamp, code, parameter) as in the Indiana format. */
export interface HiResEventRecord {
  intersectionId: string;
  timeMs: number;
  code: HiResEventCode;
  /** Phase number, detector channel, pattern number... depending on the code. */
  param: number;
}
