import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ErrorCode, GreenwaveError } from '@greenwave/contracts';

export const SUMO_PROGRAMS = ['static', 'actuated', 'delay_based'] as const;
export type SumoProgramType = (typeof SUMO_PROGRAMS)[number];

/** netconvert's defaults for actuated programs (--tls.min-dur, --tls.max-dur). */
const MIN_DUR_S = 5;
const MAX_DUR_S = 50;

/**
 * A copy of a SUMO network whose traffic lights run SUMO's own `type` of program: the same phases, re-typed, with
 * netconvert's default minimum and maximum durations on green phases where the net gives none (SUMO builds the
 * detectors of actuated programs itself). Returns the path of the copy.
 */
export function retypeTrafficLights(netFile: string, type: SumoProgramType, dir: string): string {
  if (!SUMO_PROGRAMS.includes(type)) throw new GreenwaveError(ErrorCode.INVALID_REQUEST, `unknown SUMO program type "${type}" (known: ${SUMO_PROGRAMS.join(', ')})`);
  const text = readFileSync(netFile, 'utf8');
  let count = 0;
  const out = text.replace(/<tlLogic\b([^>]*)>([\s\S]*?)<\/tlLogic>/g, (_, attrs: string, body: string) => {
    count++;
    const typed = /\btype="[^"]*"/.test(attrs) ? attrs.replace(/\btype="[^"]*"/, `type="${type}"`) : `${attrs} type="${type}"`;
    if (type === 'static') return `<tlLogic${typed}>${body}</tlLogic>`;
    const phases = body.replace(/<phase\b([^>]*?)(\/?)>/g, (whole: string, pa: string, slash: string) => {
      const state = /\bstate="([^"]*)"/.exec(pa)?.[1] ?? '';
      const green = /[Ggs]/.test(state) && !/[yYu]/.test(state);
      if (!green || /\bminDur=/.test(pa)) return whole;
      return `<phase${pa} minDur="${MIN_DUR_S}" maxDur="${MAX_DUR_S}"${slash}>`;
    });
    return `<tlLogic${typed}>${phases}</tlLogic>`;
  });
  if (count === 0) throw new GreenwaveError(ErrorCode.INVALID_CONFIG, `${netFile}: no traffic lights to re-type`);
  const file = join(dir, basename(netFile).replace(/\.net\.xml$/, '') + `.${type}.net.xml`);
  writeFileSync(file, out);
  return file;
}
