import type { Cabinet } from '../cabinet/cabinet.ts';
import { GREEN, YELLOW } from '../cabinet/cabinet.ts';
import type { ImportedTls } from './net-import.ts';

const isGreen = (c: string | undefined) => c === 'G' || c === 'g' || c === 's';

/**
 * The SUMO state string for what a cabinet shows: links of green phases take their stage's green (G or g), links of
 * phases in yellow show y, everything else r. A flashing cabinet shows SUMO's blinking yellow ('o': yield).
 */
export function sumoStateFor(tls: ImportedTls, cabinet: Cabinet): string {
  const n = tls.linkCount;
  if (cabinet.isDark()) return 'o'.repeat(n);
  const out = new Array<string>(n).fill('r');
  for (const [phase, state] of tls.stageStates) {
    if (cabinet.intervalOf(phase) !== YELLOW) continue;
    for (let i = 0; i < n; i++) if (isGreen(state[i])) out[i] = 'y';
  }
  for (const [phase, state] of tls.stageStates) {
    if (cabinet.intervalOf(phase) !== GREEN) continue;
    for (let i = 0; i < n; i++) if (isGreen(state[i])) out[i] = state[i]!;
  }
  return out.join('');
}

/**
 * Watches the state strings SUMO reports for one traffic light and records every unsafe transition: two foe links
 * with priority green at once, a green going red without yellow, a yellow shorter than `minYellowS`, a link turning
 * green while a foe is still yellow.
 */
export class LinkSafetyChecker {
  readonly violations: string[] = [];
  private last: string | null = null;
  private readonly yellowSince: number[];
  observations = 0;

  constructor(
    private readonly tls: ImportedTls,
    private readonly minYellowS: number,
  ) {
    this.yellowSince = new Array<number>(tls.linkCount).fill(-1);
  }

  private fail(text: string): void {
    if (this.violations.length < 50) this.violations.push(`${this.tls.tlsId}: ${text}`);
  }

  observe(state: string, timeS: number): void {
    this.observations++;
    const foes = this.tls.linkFoes;
    if (state.length !== this.tls.linkCount) this.fail(`t=${timeS} state "${state}" has ${state.length} signals, expected ${this.tls.linkCount}`);
    if (foes) {
      for (let i = 0; i < state.length; i++) {
        if (state[i] !== 'G') continue;
        for (let j = i + 1; j < state.length; j++) if (state[j] === 'G' && foes[i]![j]) this.fail(`t=${timeS} foe links ${i} and ${j} both have priority green`);
      }
    }
    const last = this.last;
    if (last !== null) {
      for (let i = 0; i < state.length; i++) {
        const before = last[i];
        const now = state[i];
        if (before === now) continue;
        // going to flash (or dark) is always allowed: it is the safe state; leaving it goes through all-red
        if (now === 'o' || now === 'O' || before === 'o' || before === 'O') continue;
        if (isGreen(before) && now === 'r') this.fail(`t=${timeS} link ${i} went from green to red without yellow`);
        if (before === 'y' && now !== 'y' && timeS - this.yellowSince[i]! < this.minYellowS - 1e-6) {
          this.fail(`t=${timeS} link ${i} yellow lasted ${timeS - this.yellowSince[i]!} s < ${this.minYellowS} s`);
        }
        if (now === 'y') this.yellowSince[i] = timeS;
        if (isGreen(now) && !isGreen(before) && foes) {
          for (let j = 0; j < state.length; j++) if (foes[i]![j] && state[j] === 'y') this.fail(`t=${timeS} link ${i} turned green while foe link ${j} is yellow`);
        }
      }
    }
    this.last = state;
  }
}
