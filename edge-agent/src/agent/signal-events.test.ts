import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CabinetStatusReading } from '../drivers/field-driver.ts';
import { signalEvents } from './signal-events.ts';

type Interval = 'green' | 'yellow' | 'red-clearance' | 'red';
const reading = (intervals: Record<number, Interval>, flash = false): CabinetStatusReading => {
  const of = (i: Interval) => Object.entries(intervals).filter(([, v]) => v === i).map(([p]) => Number(p));
  return { greens: of('green'), yellows: of('yellow'), reds: of('red'), redClearances: of('red-clearance'), walks: [], unitMode: flash ? 'flash' : 'centre', flashLatched: false, faultCode: 0, planDownloaded: false, testMode: false, heartbeatEcho: 0, sinceHeartbeatS: 0, clockS: 0, watchdogTimeoutS: 5 };
};

describe('signal events from status changes', () => {
  it('gives the Indiana codes of each change, in order', () => {
    expect(signalEvents(reading({ 2: 'green', 4: 'red' }), reading({ 2: 'yellow', 4: 'red' }), [2, 4])).toEqual([{ code: 7, param: 2 }, { code: 8, param: 2 }]);
    expect(signalEvents(reading({ 2: 'yellow' }), reading({ 2: 'red-clearance' }), [2])).toEqual([{ code: 9, param: 2 }, { code: 10, param: 2 }]);
    expect(signalEvents(reading({ 2: 'red-clearance', 4: 'red' }), reading({ 2: 'red', 4: 'green' }), [2, 4])).toEqual([{ code: 11, param: 2 }, { code: 1, param: 4 }]);
    expect(signalEvents(reading({ 2: 'green' }), reading({ 2: 'green' }, true), [2])).toEqual([{ code: 173, param: 1 }]);
    expect(signalEvents(null, reading({ 2: 'green', 6: 'green', 4: 'red' }), [2, 4, 6])).toEqual([{ code: 1, param: 2 }, { code: 1, param: 6 }]);
  });

  it('a phase’s events always alternate green start and green end, whatever the polls skipped', () => {
    const interval = fc.constantFrom<Interval>('green', 'yellow', 'red-clearance', 'red');
    fc.assert(
      fc.property(fc.array(interval, { minLength: 2, maxLength: 30 }), (seq) => {
        let greenOn = seq[0] === 'green';
        for (let i = 1; i < seq.length; i++) {
          for (const e of signalEvents(reading({ 3: seq[i - 1]! }), reading({ 3: seq[i]! }), [3])) {
            if (e.code === 1) {
              if (greenOn) return false;
              greenOn = true;
            }
            if (e.code === 7) {
              if (!greenOn) return false;
              greenOn = false;
            }
          }
          if (greenOn !== (seq[i] === 'green')) return false;
        }
        return true;
      }),
    );
  });
});
