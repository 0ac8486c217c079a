/**
 * Krauss car-following (Krauß 1998, as in SUMO's default model), Euler update with step `dt`:
 *
 *   v_safe = v_l + (g - v_l·τ) / ((v + v_l) / (2b) + τ)
 *   v_des  = min(v_max, v + a·dt, v_safe)
 *   v_next = max(0, v_des - σ·a·dt·η),   η uniform in [0, 1)
 *
 * g is the gap to the leader (bumper to bumper, minus the minimum gap), v_l its speed, τ the driver's reaction time /
 * desired headway, a and b the acceleration and comfortable deceleration, σ the driver imperfection. With v_safe the
 * follower can always stop behind a leader that brakes at b, so the model is collision-free when leaders do.
 */
export function krausSafeSpeed(gapM: number, speedMps: number, leaderSpeedMps: number, reactionTimeS: number, decelMps2: number): number {
  const g = gapM < 0 ? 0 : gapM;
  return leaderSpeedMps + (g - leaderSpeedMps * reactionTimeS) / ((speedMps + leaderSpeedMps) / (2 * decelMps2) + reactionTimeS);
}

export function krausNextSpeed(
  speedMps: number,
  maxSpeedMps: number,
  safeSpeedMps: number,
  accelMps2: number,
  imperfection: number,
  dtS: number,
  uniform: number,
): number {
  let v = speedMps + accelMps2 * dtS;
  if (v > maxSpeedMps) v = maxSpeedMps;
  if (v > safeSpeedMps) v = safeSpeedMps;
  v -= imperfection * accelMps2 * dtS * uniform;
  return v < 0 ? 0 : v;
}
