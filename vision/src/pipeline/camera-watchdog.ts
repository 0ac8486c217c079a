import type { CameraConfig } from '@greenwave/contracts';

export interface CameraHealth {
  ok: boolean;
  /** Why not (no frames for how long, or frozen for how long). */
  problem: string | null;
  lastFrameMs: number | null;
}

/** A cheap fingerprint of a frame: a strided sum of its bytes (a frozen camera sends identical frames). */
export function frameFingerprint(data: Uint8Array): number {
  let hash = 2166136261;
  const step = Math.max(1, Math.floor(data.length / 4096));
  for (let i = 0; i < data.length; i += step) hash = Math.imul(hash ^ data[i]!, 16777619);
  return hash >>> 0;
}

/**
 * Whether a camera can be trusted: frames keep arriving (none for `noFrameS` → down) and they change (identical for
 * `frozenS` → frozen, as an encoder that hangs on its last picture). Time comes from the caller.
 */
export class CameraWatchdog {
  private lastFrameMs: number | null = null;
  private fingerprint: number | null = null;
  private sameSinceMs = 0;

  constructor(
    private readonly limits: CameraConfig['watchdog'],
    private readonly startedMs: number,
  ) {}

  frame(frame: { data: Uint8Array }, nowMs: number): void {
    const print = frameFingerprint(frame.data);
    if (print !== this.fingerprint) {
      this.fingerprint = print;
      this.sameSinceMs = nowMs;
    }
    this.lastFrameMs = nowMs;
  }

  health(nowMs: number): CameraHealth {
    const since = this.lastFrameMs ?? this.startedMs;
    if (nowMs - since > this.limits.noFrameS * 1000) {
      return { ok: false, problem: `no frame for ${((nowMs - since) / 1000).toFixed(1)} s`, lastFrameMs: this.lastFrameMs };
    }
    if (this.lastFrameMs !== null && this.lastFrameMs - this.sameSinceMs > this.limits.frozenS * 1000) {
      return { ok: false, problem: `frozen: the same picture for ${((this.lastFrameMs - this.sameSinceMs) / 1000).toFixed(1)} s`, lastFrameMs: this.lastFrameMs };
    }
    return { ok: true, problem: null, lastFrameMs: this.lastFrameMs };
  }
}
