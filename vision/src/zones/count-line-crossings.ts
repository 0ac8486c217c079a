export interface CountLineCrossingsOptions {
  /**
   * How far past a line (m) a track must get to count: it is counted once its ground y has been upstream of the line
   * and is then below `line − marginM` (downstream). Jitter smaller than the margin never counts; default 1 m. Being
   * upstream by any amount arms it: the first vehicle of a queue waits a few decimetres before the stop line.
   */
  marginM?: number;
  /**
   * The margin (m) for a track not seen driving downstream (default `marginM`). A motorbike waiting half a metre
   * before the line is often boxed together with the one in front of it, which puts its ground contact 1–1.5 m
   * further down for seconds at a time (Núi Thành: 4 of 10 extra counts); one that really crosses speeds up and is
   * soon this far past.
   */
  slowMarginM?: number;
  /**
   * Observations in a row a track must make upstream of the line to arm, and beyond `line − margin` to count
   * (default 1). 2 keeps a queued vehicle whose detected box flickers between two shapes (a motorbike seen whole in
   * one frame, only its rider the next: 1.6 m apart on the ground) from counting at the flicker.
   */
  confirmObservations?: number;
}

/** A count line by its ground position (m upstream of the stop line); the shape of `countLines` in the camera config. */
export interface CountLineAt {
  name: string;
  groundY: number;
}

interface LineProgress {
  /** Seen upstream of the line (`confirmObservations` times in a row). */
  armed: boolean;
  counted: boolean;
  /** Current run of observations upstream of the line, and beyond line − margin. */
  upstreamRun: number;
  beyondRun: number;
  /** Current run of observations beyond line − marginM (the moving margin), whatever the track's speed. */
  movingBeyondRun: number;
}

/**
 * Counts tracks that fully cross count lines, each track at most once per line: travel downstream (decreasing y)
 * from upstream of the line to beyond `line − margin`. A track first seen downstream is never counted; moving back
 * upstream after being counted never counts again. Pure state, no IO.
 */
export class CountLineCrossings {
  readonly marginM: number;
  readonly slowMarginM: number;
  readonly confirmObservations: number;
  private readonly progress = new Map<number, LineProgress[]>();
  /** Tracks whose progress went to the track that continued them: they never count again. */
  private readonly handedOver = new Set<number>();

  constructor(
    readonly lines: readonly CountLineAt[],
    options: CountLineCrossingsOptions = {},
  ) {
    this.marginM = options.marginM ?? 1;
    if (!(this.marginM >= 0) || !Number.isFinite(this.marginM)) throw new RangeError(`count line margin must be a finite number of metres >= 0, got ${this.marginM}`);
    this.slowMarginM = options.slowMarginM ?? this.marginM;
    if (!(this.slowMarginM >= 0) || !Number.isFinite(this.slowMarginM)) throw new RangeError(`count line slow margin must be a finite number of metres >= 0, got ${this.slowMarginM}`);
    this.confirmObservations = options.confirmObservations ?? 1;
    if (!(Number.isInteger(this.confirmObservations) && this.confirmObservations >= 1)) throw new RangeError(`count line confirmObservations must be a whole number >= 1, got ${this.confirmObservations}`);
  }

  /**
   * Feeds a track's current ground y (m upstream of the stop line); returns the indices of the lines it crossed now.
   * `moving`: the track is seen driving downstream, so one observation beyond `marginM` counts; otherwise it takes
   * `confirmObservations` beyond `slowMarginM`. The flicker that `confirmObservations` guards against is of vehicles
   * standing still, and a fast motorbike often turns into its rider's box, or leaves the picture, right after the line.
   */
  update(trackId: number, groundY: number, moving = false): number[] {
    if (!Number.isFinite(groundY) || this.handedOver.has(trackId)) return [];
    let lines = this.progress.get(trackId);
    if (lines === undefined) {
      lines = this.lines.map(() => ({ armed: false, counted: false, upstreamRun: 0, beyondRun: 0, movingBeyondRun: 0 }));
      this.progress.set(trackId, lines);
    }
    const crossed: number[] = [];
    this.lines.forEach((line, i) => {
      const state = lines[i]!;
      if (state.counted) return;
      state.upstreamRun = groundY > line.groundY ? state.upstreamRun + 1 : 0;
      state.beyondRun = groundY < line.groundY - (moving ? this.marginM : this.slowMarginM) ? state.beyondRun + 1 : 0;
      state.movingBeyondRun = groundY < line.groundY - this.marginM ? state.movingBeyondRun + 1 : 0;
      if (state.upstreamRun >= this.confirmObservations) state.armed = true;
      else if (state.armed && (state.beyondRun >= this.confirmObservations || (moving && state.beyondRun >= 1))) {
        state.counted = true;
        crossed.push(i);
      }
    });
    return crossed;
  }

  /**
   * A new track `toId` continues the lost track `fromId` (the same vehicle under a new id): it takes over what the old
   * one had done at every line — armed, counted, its runs — and the old one never counts after.
   */
  handOver(fromId: number, toId: number): void {
    const from = this.progress.get(fromId);
    if (from !== undefined) this.progress.set(toId, from.map((state) => ({ ...state })));
    this.handedOver.add(fromId);
  }

  /**
   * Counts a track that is no longer seen at the line now, if it was armed there, has not been counted and has made
   * `confirmObservations` observations in a row beyond `line − marginM` (the moving margin) — see the builder's use.
   * Returns whether it counted.
   */
  countLost(trackId: number, lineIndex: number): boolean {
    const state = this.progress.get(trackId)?.[lineIndex];
    if (state === undefined || this.handedOver.has(trackId) || !state.armed || state.counted || state.movingBeyondRun < this.confirmObservations) return false;
    state.counted = true;
    return true;
  }

  /**
   * Takes back a track's count at a line (it was a box glitch, not a crossing): it is armed again and counts when it
   * really crosses.
   */
  uncount(trackId: number, lineIndex: number): void {
    const state = this.progress.get(trackId)?.[lineIndex];
    if (state === undefined || !state.counted) return;
    Object.assign(state, { armed: true, counted: false, upstreamRun: 0, beyondRun: 0, movingBeyondRun: 0 });
  }

  /** Whether the track's progress went to a track that continued it. */
  wasHandedOver(trackId: number): boolean {
    return this.handedOver.has(trackId);
  }

  /** Whether the track has been counted at the line. */
  hasCounted(trackId: number, lineIndex: number): boolean {
    return this.progress.get(trackId)?.[lineIndex]?.counted ?? false;
  }

  /** Drops a track that has ended. */
  forget(trackId: number): void {
    this.progress.delete(trackId);
    this.handedOver.delete(trackId);
  }

  get trackedCount(): number {
    return this.progress.size;
  }
}
