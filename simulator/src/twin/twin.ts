import { ErrorCode, GreenwaveError, type Network, type PerClass, type Scenario, type VehicleClassParams, clockToSeconds, defaultVehicleClasses } from '@greenwave/contracts';
import { GREEN, YELLOW } from '../cabinet/cabinet.ts';
import { hashUniform } from '../random.ts';
import { DemandGenerator, type Trip } from './demand.ts';
import { krausNextSpeed, krausSafeSpeed } from './krauss.ts';
import { DETECTOR_ZONE_M, type RtJunction, type RtLane, type RtMovement, type RuntimeNetwork, TURN_BIT, compileNetwork } from './runtime-network.ts';
import { CLASS_NAMES, Vehicle } from './vehicle.ts';

/** Seconds a permissive turner needs before the next opposing vehicle arrives (critical gap), by class. */
const CRITICAL_GAP_S = [2.5, 4.5, 5.5, 5.5];
/** ... and since the last opposing vehicle entered the junction (s), by class. */
const FOLLOW_UP_S = [1.0, 1.5, 2.0, 2.0];
/** Permissive turners waiting at the line that complete their turn on the yellow ("sneakers"), per approach lane. */
const SNEAKERS_PER_YELLOW = 2;
/** Unsignalised (flashing) junction: one vehicle enters at a time, this far apart (s). */
const ALL_WAY_HEADWAY_S = 2.5;
/** A stopped vehicle is "halting" below this speed (m/s), as SUMO counts waiting. */
const HALTING_MPS = 0.1;
const QUEUE_HISTOGRAM_BINS = 4000;

export interface TripRecord {
  id: number;
  classIndex: number;
  departS: number;
  arrivalS: number;
  travelTimeS: number;
  timeLossS: number;
  stops: number;
}

/** Totals over the trips of a measurement window. */
export interface TripTotals {
  completed: number;
  timeLossS: number;
  travelTimeS: number;
  stops: number;
  /** Trips of the window still in the network or waiting to enter when read. */
  unfinished: number;
  unfinishedTimeLossS: number;
}

export interface TwinOptions {
  scenario: Scenario;
  network: Network;
  /** Keep every finished trip record (memory grows with trips). */
  keepTrips?: boolean;
  /**
   * `internal` (default): each step runs the cabinets for 1 s. `external`: something else ticks the cabinets (a
   * real-time host serving them over field protocols); the step only moves the traffic.
   */
  signalClock?: 'internal' | 'external';
}

/**
 * The city twin: microscopic traffic on a network of lanes, signals driven by cabinet models, demand from
 * time-of-day profiles. One `step()` is one second of traffic; cabinets time in 0.1 s within it.
 */
export class Twin {
  readonly rt: RuntimeNetwork;
  readonly scenario: Scenario;
  readonly classes: VehicleClassParams[];
  /** Seconds simulated since the start (warm-up included). */
  simS = 0;
  /** Time of day at simS = 0. */
  readonly originTimeOfDayS: number;
  vehicleUpdates = 0;
  inNetwork = 0;
  waitingToEnter = 0;
  readonly finished: TripRecord[] = [];
  private readonly keepTrips: boolean;
  private readonly externalSignals: boolean;
  private readonly demand: DemandGenerator;
  private readonly originQueues = new Map<number, Vehicle[]>();
  private readonly incoming: Vehicle[][];
  private readonly touched: Uint8Array;

  // measurement window
  private windowStartS = Infinity;
  private windowEndS = Infinity;
  private readonly windowVehicles = new Set<Vehicle>();
  totals: TripTotals = { completed: 0, timeLossS: 0, travelTimeS: 0, stops: 0, unfinished: 0, unfinishedTimeLossS: 0 };
  /** Every trip finished since the twin started, window or not (for live views). */
  readonly allTrips = { completed: 0, timeLossS: 0, travelTimeS: 0 };
  readonly queueHistogram = new Uint32Array(QUEUE_HISTOGRAM_BINS);
  queueSamples = 0;
  private junctionDetectorBits: Int32Array;

  constructor(options: TwinOptions) {
    this.scenario = options.scenario;
    this.keepTrips = options.keepTrips ?? false;
    this.externalSignals = options.signalClock === 'external';
    this.rt = compileNetwork(options.network, options.scenario.motorbikeColumnsPerLane);
    const overrides = options.scenario.vehicleClasses as Partial<PerClass<Partial<VehicleClassParams>>>;
    this.classes = CLASS_NAMES.map((name) => ({ ...defaultVehicleClasses[name], ...(overrides[name] ?? {}) }));
    this.originTimeOfDayS = clockToSeconds(options.scenario.startTime) - options.scenario.warmupS;
    this.demand = new DemandGenerator(this.rt, options.scenario.demand, options.scenario.seed);
    this.incoming = this.rt.lanes.map(() => []);
    this.touched = new Uint8Array(this.rt.lanes.length);
    this.junctionDetectorBits = new Int32Array(this.rt.junctions.length);
  }

  get timeOfDayS(): number {
    return this.originTimeOfDayS + this.simS;
  }

  get junctions(): readonly RtJunction[] {
    return this.rt.junctions;
  }

  /** Trips departing from now until `endS` (sim seconds) are measured; totals restart. */
  startWindow(endS: number): void {
    this.windowStartS = this.simS;
    this.windowEndS = endS;
    this.totals = { completed: 0, timeLossS: 0, travelTimeS: 0, stops: 0, unfinished: 0, unfinishedTimeLossS: 0 };
    this.queueHistogram.fill(0);
    this.queueSamples = 0;
    for (const j of this.rt.junctions) {
      j.delayS = 0;
      j.throughput = 0;
    }
  }

  get measuring(): boolean {
    return this.simS >= this.windowStartS && this.simS < this.windowEndS;
  }

  /** Trips of the window not finished yet, and their time loss so far. */
  windowOpenTrips(): { count: number; timeLossS: number } {
    let timeLossS = 0;
    for (const v of this.windowVehicles) timeLossS += v.timeLossS + (v.insertedS > 0 ? 0 : Math.max(0, this.simS - v.departS));
    return { count: this.windowVehicles.size, timeLossS };
  }

  // ------------------------------------------------------------------ step

  step(): void {
    const now = this.simS;
    const rt = this.rt;
    // 1. signals: detector presence from the last step, then 1 s of cabinet time
    const bits = this.junctionDetectorBits;
    for (let j = 0; j < rt.junctions.length; j++) {
      const junction = rt.junctions[j]!;
      junction.cabinet.setDetectors(bits[j]!);
      bits[j] = 0;
      if (!this.externalSignals) junction.cabinet.advance(1000);
    }
    // 2. demand
    for (const trip of this.demand.tripsAt(now, this.originTimeOfDayS + now)) this.enqueue(trip);
    // 3. decide speeds (everyone sees the state at the start of the step)
    const lanes = rt.lanes;
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i]!;
      if (lane.vehicles.length > 0) this.decideLane(lane, now);
    }
    // 4. move, cross stop lines, arrive
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i]!;
      lane.detectorOccupied = false;
      if (lane.vehicles.length > 0) this.moveLane(lane, now);
    }
    for (let i = 0; i < lanes.length; i++) {
      if (this.incoming[i]!.length > 0) this.mergeIncoming(lanes[i]!);
    }
    // 5. insert waiting vehicles
    this.insertWaiting(now);
    for (let i = 0; i < lanes.length; i++) {
      if (this.touched[i]) {
        this.touched[i] = 0;
        sortLane(lanes[i]!.vehicles);
      }
    }
    this.simS = now + 1;
  }

  // ------------------------------------------------------------------ decisions

  private decideLane(lane: RtLane, now: number): void {
    const vehicles = lane.vehicles;
    for (let i = 0; i < vehicles.length; i++) {
      const v = vehicles[i]!;
      let leaderGap = Infinity;
      let leaderSpeed = 0;
      let found = false;
      for (let pass = 0; pass < 2; pass++) {
        found = false;
        for (let k = i - 1; k >= 0; k--) {
          const u = vehicles[k]!;
          if (v.column < 0 || u.column < 0 || u.column === v.column) {
            leaderGap = u.pos - u.lengthM - v.pos - v.minGapM;
            leaderSpeed = u.speed;
            found = true;
            break;
          }
        }
        // a hemmed-in motorbike looks for room in the next column, then finds its new leader
        if (pass === 1 || v.column < 0 || lane.columns < 2 || !found || leaderGap > 15) break;
        const column = v.column;
        this.maybeChangeColumn(lane, i, v);
        if (v.column === column) break;
        leaderGap = Infinity;
        leaderSpeed = 0;
      }
      let maxSpeed = v.maxSpeedMps < lane.speedLimitMps ? v.maxSpeedMps : lane.speedLimitMps;
      if (v.pos < 0 && v.junctionSpeedMps < maxSpeed) maxSpeed = v.junctionSpeedMps;
      v.passLane = null;
      v.passMovement = null;
      if (!found && !v.onLastEdge) {
        // front of its column: the stop line decides
        const movement = this.movementOf(v);
        const dist = lane.lengthM - v.pos;
        const turnLimit = Math.sqrt(movement.speedMps * movement.speedMps + 2 * v.decelMps2 * (dist > 0 ? dist : 0));
        if (turnLimit < maxSpeed) maxSpeed = turnLimit;
        let go = dist < 60 + v.speed * 3 && this.signalAllows(movement, v, dist, now);
        let target: RtLane | null = null;
        if (go) {
          target = this.chooseTargetLane(v, movement);
          const last = lastInColumn(target.vehicles, v.column, target.vehicles.length);
          if (last) {
            const back = last.pos - last.lengthM;
            // keep the junction clear: enter only if the queue beyond has room for us
            if (last.speed < 2 && back - v.minGapM < v.lengthM) go = false;
            else {
              leaderGap = dist + movement.lengthM + back - v.minGapM;
              leaderSpeed = last.speed;
            }
          }
        }
        if (go) {
          v.passLane = target;
          v.passMovement = movement;
        } else {
          leaderGap = dist - 0.5;
          leaderSpeed = 0;
        }
      }
      const safe = krausSafeSpeed(leaderGap, v.speed, leaderSpeed, v.reactionTimeS, v.decelMps2);
      v.nextSpeed = krausNextSpeed(v.speed, maxSpeed, safe, v.accelMps2, v.imperfection, 1, hashUniform(this.scenario.seed, v.id, now));
    }
  }

  /** Motorbikes move to the other column when it has clearly more room ahead and room behind. */
  private maybeChangeColumn(lane: RtLane, i: number, v: Vehicle): void {
    const vehicles = lane.vehicles;
    const current = gapInColumn(lane, i, v, v.column);
    let best = v.column;
    let bestGap = current + 3;
    for (let c = 0; c < lane.columns; c++) {
      if (c === v.column || Math.abs(c - v.column) > 1) continue;
      const gap = gapInColumn(lane, i, v, c);
      if (gap <= bestGap || gap < v.minGapM) continue;
      // nobody in that column right behind
      let clear = true;
      for (let k = i + 1; k < vehicles.length; k++) {
        const u = vehicles[k]!;
        if (u.column < 0 || u.column === c) {
          clear = v.pos - v.lengthM - u.pos >= u.minGapM + u.speed * 0.5;
          break;
        }
      }
      if (clear) {
        best = c;
        bestGap = gap;
      }
    }
    v.column = best;
  }

  private movementOf(v: Vehicle): RtMovement {
    let m = v.nextMovement;
    if (m === null) {
      m = v.lane.edge.outMovements.get(v.route[v.routeIndex + 1]!)!;
      v.nextMovement = m;
    }
    return m;
  }

  private signalAllows(movement: RtMovement, v: Vehicle, dist: number, now: number): boolean {
    const junction = movement.junction;
    const cabinet = junction.cabinet;
    if (cabinet.isDark()) {
      // flashing or dark: all-way stop, one vehicle at a time
      return v.speed < 0.5 && dist < 3 && now - junction.lastEntryS >= ALL_WAY_HEADWAY_S;
    }
    const display = cabinet.display(movement.phase);
    if (display === GREEN) {
      movement.sneakers = 0;
      return movement.opposing.length === 0 || this.gapAccepted(movement, v, now);
    }
    if (display !== YELLOW) return false;
    if (dist < (v.speed * v.speed) / (2 * v.decelMps2)) return true;
    // a permissive turner already waiting at the line finishes its turn when the opposing flow stops
    if (movement.opposing.length > 0 && dist < 3 && movement.sneakers < SNEAKERS_PER_YELLOW * movement.fromEdge.lanes.length) {
      movement.sneakers++;
      return true;
    }
    return false;
  }

  /** A permissive turner goes only if no opposing vehicle is about to arrive or has just entered. */
  private gapAccepted(movement: RtMovement, v: Vehicle, now: number): boolean {
    const cabinet = movement.junction.cabinet;
    const criticalGap = CRITICAL_GAP_S[v.classIndex]!;
    for (const o of movement.opposing) {
      const shown = cabinet.display(o.phase);
      if (shown !== GREEN && shown !== YELLOW) continue;
      if (now - o.lastEntryS < FOLLOW_UP_S[v.classIndex]!) return false;
      const bit = TURN_BIT[o.turn];
      for (const lane of o.fromEdge.lanes) {
        if ((lane.turnsMask & bit) === 0 || lane.vehicles.length === 0) continue;
        const f = lane.vehicles[0]!;
        if (f.onLastEdge || this.movementOf(f) !== o) continue;
        const dist = lane.lengthM - f.pos;
        if (dist > 120) continue;
        if (f.speed < 0.5 ? dist < 6 : dist / f.speed < criticalGap) return false;
      }
    }
    return true;
  }

  /** The lane of the next edge to enter: one that allows the turn after it, with the most room. */
  private chooseTargetLane(v: Vehicle, movement: RtMovement): RtLane {
    if (v.passLane && v.passLane.edge === movement.toEdge) return v.passLane;
    const lanes = movement.toEdge.lanes;
    let wanted = 0;
    if (v.routeIndex + 2 < v.route.length) {
      const after = movement.toEdge.outMovements.get(v.route[v.routeIndex + 2]!);
      if (after) wanted = TURN_BIT[after.turn];
    }
    let best = lanes[0]!;
    let bestRoom = -Infinity;
    for (const lane of lanes) {
      if (wanted !== 0 && lane.approach !== null && (lane.turnsMask & wanted) === 0) continue;
      let room = lane.lengthM;
      if (v.column >= 0) {
        // a motorbike can take either column
        room = -Infinity;
        for (let c = 0; c < lane.columns; c++) {
          const last = lastInColumn(lane.vehicles, c, lane.vehicles.length);
          const r = last ? last.pos - last.lengthM : lane.lengthM;
          if (r > room) room = r;
        }
      } else {
        const last = lane.vehicles[lane.vehicles.length - 1];
        if (last) room = last.pos - last.lengthM;
      }
      room -= lane.vehicles.length * 0.01;
      if (room > bestRoom) {
        bestRoom = room;
        best = lane;
      }
    }
    return best;
  }

  // ------------------------------------------------------------------ movement

  private moveLane(lane: RtLane, now: number): void {
    const vehicles = lane.vehicles;
    const measuring = this.measuring;
    const junction = lane.approach ? lane.approach.junction : null;
    const detectorFrom = lane.lengthM - DETECTOR_ZONE_M;
    // back of the last vehicle kept in each column (no overlaps within the lane, ever)
    let limit0 = Infinity;
    let limit1 = Infinity;
    let limit2 = Infinity;
    let kept = 0;
    for (let i = 0; i < vehicles.length; i++) {
      const v = vehicles[i]!;
      const speed = v.nextSpeed;
      let pos = v.pos + speed;
      this.vehicleUpdates++;
      // time loss against the speed allowed here
      const allowed = v.maxSpeedMps < lane.speedLimitMps ? v.maxSpeedMps : lane.speedLimitMps;
      const loss = 1 - speed / allowed;
      v.timeLossS += loss;
      if (measuring && junction !== null) junction.delayS += loss;
      if (speed < HALTING_MPS) {
        if (!v.halting) v.stops++;
        v.halting = true;
      } else if (speed > 0.5) v.halting = false;

      if (v.onLastEdge && pos >= v.arrivalPosM) {
        v.speed = speed;
        v.distanceM += speed;
        this.arrive(v, now + 1);
        continue;
      }
      if (pos > lane.lengthM && v.passLane !== null) {
        // crosses the stop line into the junction and on to the next lane
        const movement = v.passMovement!;
        const target = v.passLane;
        lane.crossCount++;
        lane.totalCount++;
        lane.crossByClass[v.classIndex]!++;
        lane.crossPcu += v.pcu;
        movement.lastEntryS = now + 1;
        movement.junction.lastEntryS = now + 1;
        if (measuring) movement.junction.throughput++;
        v.pos = pos - lane.lengthM - movement.lengthM;
        v.speed = speed;
        v.distanceM += speed;
        v.routeIndex++;
        v.nextMovement = null;
        v.junctionSpeedMps = movement.speedMps;
        v.lane = target;
        this.incoming[target.globalIndex]!.push(v);
        continue;
      }
      // stay in this lane: never past the stop line without permission, never into the vehicle ahead
      if (!v.onLastEdge && pos > lane.lengthM) pos = lane.lengthM;
      const limit = v.column < 0 ? Math.min(limit0, limit1, limit2) : v.column === 0 ? limit0 : v.column === 1 ? limit1 : limit2;
      if (pos > limit) pos = limit;
      if (pos < v.pos) pos = v.pos;
      const moved = pos - v.pos;
      v.speed = moved < speed ? moved : speed;
      v.distanceM += moved;
      v.pos = pos;
      if (pos >= detectorFrom && junction !== null) lane.detectorOccupied = true;
      const back = pos - v.lengthM;
      // motorbikes in different columns may pass each other: keep the lane sorted
      if (kept > 0 && pos > vehicles[kept - 1]!.pos) this.touched[lane.globalIndex] = 1;
      if (v.column < 0) limit0 = limit1 = limit2 = back;
      else if (v.column === 0) limit0 = back;
      else if (v.column === 1) limit1 = back;
      else limit2 = back;
      vehicles[kept++] = v;
    }
    if (kept !== vehicles.length) vehicles.length = kept;
    if (lane.detectorOccupied && junction !== null) this.junctionDetectorBits[junction.index]! |= lane.phaseBits;
  }

  private mergeIncoming(lane: RtLane): void {
    const incoming = this.incoming[lane.globalIndex]!;
    incoming.sort((a, b) => b.pos - a.pos);
    const vehicles = lane.vehicles;
    for (const v of incoming) {
      if (v.column >= lane.columns) v.column = lane.columns - 1;
      if (v.column >= 0) v.column = bestColumn(lane, v.column);
      const last = lastInColumn(vehicles, v.column, vehicles.length);
      if (last && v.pos > last.pos - last.lengthM) {
        v.pos = last.pos - last.lengthM;
        if (v.speed > last.speed) v.speed = last.speed;
      }
      vehicles.push(v);
    }
    incoming.length = 0;
    this.touched[lane.globalIndex] = 1;
  }

  // ------------------------------------------------------------------ demand in and out

  /**
   * Adds a trip by hand (tests, replays): edge ids from origin to destination, the class and the departure time.
   * The trip ends at the end of its last edge.
   */
  inject(edgeIds: readonly string[], className: (typeof CLASS_NAMES)[number], departS: number): number {
    const route = Int32Array.from(edgeIds.map((id) => {
      const edge = this.rt.edgeById.get(id);
      if (!edge) throw new GreenwaveError(ErrorCode.NOT_FOUND, `inject: no edge "${id}"`);
      return edge.index;
    }));
    for (let i = 0; i + 1 < route.length; i++) {
      if (!this.rt.edges[route[i]!]!.outMovements.has(route[i + 1]!)) {
        throw new GreenwaveError(ErrorCode.INVALID_REQUEST, `inject: no movement from ${edgeIds[i]} to ${edgeIds[i + 1]}`);
      }
    }
    const id = 1_000_000_000 + this.injected++;
    const last = this.rt.edges[route[route.length - 1]!]!;
    this.enqueue({ id, departS, classIndex: CLASS_NAMES.indexOf(className), route, arrivalPosM: last.lengthM });
    return id;
  }

  private injected = 0;

  private enqueue(trip: Trip): void {
    const v = new Vehicle(trip.id, trip.classIndex, this.classes[trip.classIndex]!, trip.route, trip.arrivalPosM, trip.departS);
    v.column = trip.classIndex === 0 ? 0 : -1;
    if (this.measuring) this.windowVehicles.add(v);
    let queue = this.originQueues.get(trip.route[0]!);
    if (!queue) {
      queue = [];
      this.originQueues.set(trip.route[0]!, queue);
    }
    queue.push(v);
    this.waitingToEnter++;
  }

  private insertWaiting(now: number): void {
    for (const [edgeIndex, queue] of this.originQueues) {
      const edge = this.rt.edges[edgeIndex]!;
      while (queue.length > 0) {
        const v = queue[0]!;
        if (v.departS > now + 1) break;
        // lane: one that allows the first turn, with the most room at its start
        let wanted = 0;
        if (v.route.length > 1) {
          const m = edge.outMovements.get(v.route[1]!);
          if (m) wanted = TURN_BIT[m.turn];
        }
        let bestLane: RtLane | null = null;
        let bestRoom = -Infinity;
        let bestColumnIndex = -1;
        let bestLast: Vehicle | undefined;
        for (const lane of edge.lanes) {
          if (wanted !== 0 && lane.approach !== null && (lane.turnsMask & wanted) === 0) continue;
          const columns = v.column >= 0 ? lane.columns : 1;
          for (let c = 0; c < columns; c++) {
            const column = v.column >= 0 ? c : -1;
            const last = lastInColumn(lane.vehicles, column, lane.vehicles.length);
            const room = last ? last.pos - last.lengthM - v.minGapM : lane.lengthM;
            if (room > bestRoom) {
              bestRoom = room;
              bestLane = lane;
              bestColumnIndex = column;
              bestLast = last;
            }
          }
        }
        if (bestLane === null || bestRoom < v.lengthM) break;
        queue.shift();
        this.waitingToEnter--;
        const speedLimit = Math.min(v.maxSpeedMps, bestLane.speedLimitMps);
        const gap = bestRoom - v.lengthM;
        const safe = bestLast ? krausSafeSpeed(gap, speedLimit, bestLast.speed, v.reactionTimeS, v.decelMps2) : speedLimit;
        v.speed = Math.max(0, Math.min(speedLimit, safe));
        v.pos = v.lengthM;
        v.column = bestColumnIndex;
        v.lane = bestLane;
        v.insertedS = now + 1;
        // waiting to get in counts as lost time, as SUMO's departDelay does
        v.timeLossS += Math.max(0, now + 1 - v.departS);
        bestLane.vehicles.push(v);
        this.touched[bestLane.globalIndex] = 1;
        this.inNetwork++;
      }
    }
  }

  private arrive(v: Vehicle, atS: number): void {
    this.inNetwork--;
    const travelTimeS = atS - v.departS;
    this.allTrips.completed++;
    this.allTrips.timeLossS += v.timeLossS;
    this.allTrips.travelTimeS += travelTimeS;
    if (!this.windowVehicles.delete(v)) return;
    this.totals.completed++;
    this.totals.timeLossS += v.timeLossS;
    this.totals.travelTimeS += travelTimeS;
    this.totals.stops += v.stops;
    if (this.keepTrips) {
      this.finished.push({ id: v.id, classIndex: v.classIndex, departS: v.departS, arrivalS: atS, travelTimeS, timeLossS: v.timeLossS, stops: v.stops });
    }
  }

  /** Records one sample per approach (its longest lane queue, metres, 1 m bins) into the window's histogram. */
  sampleQueues(queueOf: (lane: RtLane) => number): void {
    for (const junction of this.rt.junctions) {
      for (const approach of junction.approaches) {
        let longest = 0;
        for (const lane of approach.lanes) {
          const q = queueOf(lane);
          if (q > longest) longest = q;
        }
        this.queueHistogram[Math.min(QUEUE_HISTOGRAM_BINS - 1, Math.round(longest))]!++;
        this.queueSamples++;
      }
    }
  }

  /** A percentile of the sampled queue lengths (m). */
  queuePercentile(p: number): number {
    if (this.queueSamples === 0) return 0;
    const target = Math.ceil(this.queueSamples * p);
    let seen = 0;
    for (let i = 0; i < QUEUE_HISTOGRAM_BINS; i++) {
      seen += this.queueHistogram[i]!;
      if (seen >= target) return i;
    }
    return QUEUE_HISTOGRAM_BINS - 1;
  }

  /** Ground truth per intersection since the window started: vehicle-seconds lost on its approaches, vehicles served. */
  intersectionTruth(): { id: string; name: string; delayVehS: number; throughput: number }[] {
    return this.rt.junctions.map((j) => ({ id: j.id, name: j.intersection.name, delayVehS: Math.round(j.delayS), throughput: j.throughput }));
  }

  /** Every vehicle currently on a lane (for tests and views). */
  *vehicles(): IterableIterator<Vehicle> {
    for (const lane of this.rt.lanes) yield* lane.vehicles;
  }

  get unroutableTrips(): number {
    return this.demand.unroutable;
  }
}

/** Room ahead of vehicle `i` if it rode in `column`. */
function gapInColumn(lane: RtLane, i: number, v: Vehicle, column: number): number {
  const vehicles = lane.vehicles;
  for (let k = i - 1; k >= 0; k--) {
    const u = vehicles[k]!;
    if (u.column < 0 || u.column === column) return u.pos - u.lengthM - v.pos;
  }
  return v.onLastEdge ? Infinity : lane.lengthM - v.pos + 50;
}

/** The rearmost vehicle at or before `end` that blocks `column` (cars block every column). */
function lastInColumn(vehicles: readonly Vehicle[], column: number, end: number): Vehicle | undefined {
  for (let k = end - 1; k >= 0; k--) {
    const u = vehicles[k]!;
    if (column < 0 || u.column < 0 || u.column === column) return u;
  }
  return undefined;
}

/** The column with the most room at the lane's start, preferring `preferred` on ties. */
function bestColumn(lane: RtLane, preferred: number): number {
  let best = preferred;
  let bestRoom = -Infinity;
  for (let c = 0; c < lane.columns; c++) {
    const last = lastInColumn(lane.vehicles, c, lane.vehicles.length);
    const room = (last ? last.pos - last.lengthM : Infinity) + (c === preferred ? 0.01 : 0);
    if (room > bestRoom) {
      bestRoom = room;
      best = c;
    }
  }
  return best;
}

/** Insertion sort by position, front first: lanes are nearly sorted after each step. */
function sortLane(vehicles: Vehicle[]): void {
  for (let i = 1; i < vehicles.length; i++) {
    const v = vehicles[i]!;
    let k = i - 1;
    while (k >= 0 && vehicles[k]!.pos < v.pos) {
      vehicles[k + 1] = vehicles[k]!;
      k--;
    }
    vehicles[k + 1] = v;
  }
}
