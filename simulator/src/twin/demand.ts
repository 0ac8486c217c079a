import { type ClassMix, type Demand, clockToSeconds } from '@greenwave/contracts';
import { Random } from '../random.ts';
import { Router } from './routing.ts';
import type { RtEdge, RuntimeNetwork } from './runtime-network.ts';
import { CLASS_NAMES } from './vehicle.ts';

export interface Trip {
  id: number;
  departS: number;
  classIndex: number;
  route: Int32Array;
  /** Trip ends here on the last edge (m from its start). */
  arrivalPosM: number;
}

/** Demand factor at a time of day, interpolating the profile linearly and wrapping at midnight. */
export function profileFactor(profile: Demand['profile'], timeOfDayS: number): number {
  return factorAt(profile.map((p) => ({ s: clockToSeconds(p.time), f: p.factor })), timeOfDayS);
}

interface ProfilePoint {
  s: number;
  f: number;
}

function factorAt(points: readonly ProfilePoint[], timeOfDayS: number): number {
  const t = ((timeOfDayS % 86400) + 86400) % 86400;
  if (points.length === 1) return points[0]!.f;
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    const bs = i + 1 < points.length ? b.s : b.s + 86400;
    const tt = t < a.s ? t + 86400 : t;
    if (tt >= a.s && tt < bs) return a.f + ((b.f - a.f) * (tt - a.s)) / (bs - a.s);
  }
  return points[0]!.f;
}

function cumulative(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  return out;
}

/**
 * Generates trips second by second from its own random stream, so the same seed gives the same trips whatever
 * the signals do: every controller is evaluated on identical demand.
 */
export class DemandGenerator {
  private readonly random: Random;
  private readonly origins: RtEdge[];
  private readonly originCumulative: Float64Array;
  private readonly destinations: RtEdge[];
  private readonly destinationCumulative: Float64Array;
  private readonly classCumulative: Float64Array;
  private nextId = 0;
  private readonly profile: ProfilePoint[];
  unroutable = 0;

  private readonly routers: Router[];

  constructor(
    rt: RuntimeNetwork,
    private readonly demand: Demand,
    seed: number,
  ) {
    this.routers = Array.from({ length: demand.routeVariants }, (_, i) => new Router(rt, { spread: i === 0 ? 0 : demand.routeSpread, seed: seed * 31 + i }));
    this.random = new Random(seed ^ 0xd3a4d);
    this.profile = demand.profile.map((p) => ({ s: clockToSeconds(p.time), f: p.factor }));
    const w = demand.weights;
    const entryWeight = (e: RtEdge) => (e.roadClass === 'arterial' ? w.arterialEntry : e.roadClass === 'collector' ? w.collectorEntry : w.localEntry) * e.spec.lanes;
    const zoneWeight = (e: RtEdge) => w.zone * e.spec.lanes * (e.lengthM / 250);
    this.origins = rt.edges.filter((e) => e.fromBoundary || (e.spec.zone && !e.toBoundary));
    this.originCumulative = cumulative(this.origins.map((e) => (e.fromBoundary ? entryWeight(e) : zoneWeight(e))));
    this.destinations = rt.edges.filter((e) => e.toBoundary || (e.spec.zone && !e.fromBoundary));
    this.destinationCumulative = cumulative(this.destinations.map((e) => (e.toBoundary ? entryWeight(e) : zoneWeight(e))));
    this.classCumulative = cumulative(CLASS_NAMES.map((name) => (demand.classMix as ClassMix)[name]));
  }

  /** Expected trips per hour at a time of day. */
  ratePerHour(timeOfDayS: number): number {
    return this.demand.peakVehiclesPerHour * factorAt(this.profile, timeOfDayS);
  }

  /** Trips departing in the second starting at `simS` (time of day `timeOfDayS`). */
  tripsAt(simS: number, timeOfDayS: number): Trip[] {
    const count = this.random.poisson(this.ratePerHour(timeOfDayS) / 3600);
    const trips: Trip[] = [];
    for (let k = 0; k < count; k++) {
      const classIndex = this.random.pickCumulative(this.classCumulative);
      let routed = false;
      for (let attempt = 0; attempt < 12 && !routed; attempt++) {
        const origin = this.origins[this.random.pickCumulative(this.originCumulative)]!;
        const dest = this.destinations[this.random.pickCumulative(this.destinationCumulative)]!;
        const distance = Math.hypot(origin.midX - dest.midX, origin.midY - dest.midY);
        if (distance < this.demand.minTripM) continue;
        // gravity: long trips are rarer (the last attempt takes what it gets)
        if (attempt < 11 && this.random.next() > Math.exp(-(distance - this.demand.minTripM) / this.demand.meanTripM)) continue;
        const router = this.routers[Math.floor(this.random.next() * this.routers.length)]!;
        const route = router.route(origin.index, dest.index);
        if (!route) continue;
        const arrivalPosM = dest.toBoundary ? dest.lengthM : dest.lengthM / 2;
        trips.push({ id: this.nextId++, departS: simS + this.random.next(), classIndex, route, arrivalPosM });
        routed = true;
      }
      if (!routed) this.unroutable++;
    }
    return trips;
  }
}
