import { readFileSync } from 'node:fs';
import { ErrorCode, GreenwaveError } from '@greenwave/contracts';

/** Totals over SUMO's tripinfo output (completed trips only, as SUMO writes them). */
export interface TripinfoSummary {
  completedTrips: number;
  meanTravelTimeS: number;
  meanWaitingS: number;
  meanTimeLossS: number;
  meanDepartDelayS: number;
}

export function readTripinfo(file: string): TripinfoSummary {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GreenwaveError(ErrorCode.IO, `cannot read SUMO tripinfo ${file}: ${(cause as Error).message}`, { cause });
  }
  let n = 0;
  let duration = 0;
  let waiting = 0;
  let timeLoss = 0;
  let departDelay = 0;
  const re = /<tripinfo\s([^>]*?)\/?>/g;
  const attr = (body: string, name: string) => {
    const m = new RegExp(`\\b${name}="([^"]*)"`).exec(body);
    return m ? Number(m[1]) : 0;
  };
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[1]!;
    n++;
    duration += attr(body, 'duration');
    waiting += attr(body, 'waitingTime');
    timeLoss += attr(body, 'timeLoss');
    departDelay += attr(body, 'departDelay');
  }
  const mean = (x: number) => (n === 0 ? 0 : Math.round((x / n) * 10) / 10);
  return { completedTrips: n, meanTravelTimeS: mean(duration), meanWaitingS: mean(waiting), meanTimeLossS: mean(timeLoss), meanDepartDelayS: mean(departDelay) };
}

/** Teleports counted in SUMO's statistic output. */
export function readTeleports(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GreenwaveError(ErrorCode.IO, `cannot read SUMO statistics ${file}: ${(cause as Error).message}`, { cause });
  }
  const m = /<teleports\s[^>]*\btotal="(\d+)"/.exec(text);
  return m ? Number(m[1]) : 0;
}
