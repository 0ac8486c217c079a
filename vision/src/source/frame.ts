/** One decoded camera frame: interleaved 8-bit RGB, row-major, no padding. */
export interface Frame {
  data: Buffer;
  width: number;
  height: number;
  /** Frame number from the source's start (frames dropped by back-pressure still use up numbers). */
  index: number;
  /** Wall time the frame was complete (ms since the epoch). */
  timeMs: number;
}

/** Counters every source keeps: what came, what was used, what was dropped because the consumer was behind. */
export interface SourceStats {
  frames: number;
  delivered: number;
  dropped: number;
  restarts: number;
  /** Last problem (ffmpeg's message, a stall), for health. */
  lastError: string | null;
}

export interface FrameSource {
  readonly stats: SourceStats;
  /**
   * The next frame, or null once the source has ended for good (end of a file, stopped). A live source keeps only
   * the newest frame while the consumer is busy: older ones are dropped and counted.
   */
  next(): Promise<Frame | null>;
  stop(): Promise<void>;
}
