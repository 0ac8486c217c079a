/** A track's ground position at one frame. */
export interface GroundSample {
  timeMs: number;
  /** m across the approach */
  x: number;
  /** m upstream of the stop line */
  y: number;
}

/**
 * Ground velocity (m/s along x and y) from the least-squares lines through the samples (x and y against time):
 * steadier than the first-to-last difference when positions are noisy. Null with fewer than two samples or when they
 * span less than `minSpanMs`.
 */
export function groundVelocity(samples: readonly GroundSample[], minSpanMs: number): { vx: number; vy: number } | null {
  if (samples.length < 2) return null;
  const first = samples[0]!.timeMs;
  const span = samples[samples.length - 1]!.timeMs - first;
  if (!(span > 0) || span < minSpanMs) return null;
  let meanT = 0;
  let meanX = 0;
  let meanY = 0;
  for (const s of samples) {
    meanT += (s.timeMs - first) / 1000;
    meanX += s.x;
    meanY += s.y;
  }
  meanT /= samples.length;
  meanX /= samples.length;
  meanY /= samples.length;
  let sumTT = 0;
  let sumTX = 0;
  let sumTY = 0;
  for (const s of samples) {
    const t = (s.timeMs - first) / 1000 - meanT;
    sumTT += t * t;
    sumTX += t * (s.x - meanX);
    sumTY += t * (s.y - meanY);
  }
  return { vx: sumTX / sumTT, vy: sumTY / sumTT };
}

/** Ground speed (m/s) from `groundVelocity`; null where it is. */
export function groundSpeedMps(samples: readonly GroundSample[], minSpanMs: number): number | null {
  const v = groundVelocity(samples, minSpanMs);
  return v === null ? null : Math.hypot(v.vx, v.vy);
}
