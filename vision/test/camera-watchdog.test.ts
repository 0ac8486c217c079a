import { describe, expect, it } from 'vitest';
import { CameraWatchdog, frameFingerprint } from '../src/pipeline/camera-watchdog.ts';

const frame = (value: number) => ({ data: new Uint8Array(64 * 48 * 3).fill(value) });

describe('camera watchdog', () => {
  const limits = { noFrameS: 5, frozenS: 10 };

  it('healthy while changing frames arrive; down after noFrameS without one', () => {
    const w = new CameraWatchdog(limits, 0);
    expect(w.health(4_000).ok).toBe(true);
    expect(w.health(5_100)).toMatchObject({ ok: false, problem: 'no frame for 5.1 s' });
    for (let t = 6_000; t <= 20_000; t += 100) w.frame(frame(t % 256), t);
    expect(w.health(20_000).ok).toBe(true);
    expect(w.health(24_900).ok).toBe(true);
    expect(w.health(25_200).problem).toBe('no frame for 5.2 s');
  });

  it('frozen when the same picture keeps coming for frozenS; healthy again when it changes', () => {
    const w = new CameraWatchdog(limits, 0);
    for (let t = 0; t <= 10_000; t += 100) w.frame(frame(7), t);
    expect(w.health(10_000).ok).toBe(true);
    for (let t = 10_100; t <= 10_500; t += 100) w.frame(frame(7), t);
    expect(w.health(10_500)).toMatchObject({ ok: false, problem: 'frozen: the same picture for 10.5 s' });
    w.frame(frame(8), 10_600);
    expect(w.health(10_600).ok).toBe(true);
  });

  it('fingerprints tell frames apart that differ in one sampled byte', () => {
    const a = frame(1).data;
    const b = Uint8Array.from(a);
    b[0] = 2;
    expect(frameFingerprint(a)).toBe(frameFingerprint(Uint8Array.from(a)));
    expect(frameFingerprint(a)).not.toBe(frameFingerprint(b));
  });
});
