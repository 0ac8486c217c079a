import type { DetectionClass } from '../detect/detection.ts';

/**
 * A track's class by majority vote over its detections: one vote per matched detection; a tie goes to the class
 * with the larger summed score, then to the class voted for first.
 */
export class ClassVotes {
  private readonly tally = new Map<DetectionClass, { votes: number; scoreSum: number }>();

  add(detectionClass: DetectionClass, score: number): void {
    const entry = this.tally.get(detectionClass);
    if (entry === undefined) this.tally.set(detectionClass, { votes: 1, scoreSum: score });
    else {
      entry.votes++;
      entry.scoreSum += score;
    }
  }

  winner(): DetectionClass {
    let best: DetectionClass | undefined;
    let bestEntry = { votes: -1, scoreSum: -1 };
    for (const [detectionClass, entry] of this.tally) {
      if (entry.votes > bestEntry.votes || (entry.votes === bestEntry.votes && entry.scoreSum > bestEntry.scoreSum)) {
        best = detectionClass;
        bestEntry = entry;
      }
    }
    if (best === undefined) throw new Error('ClassVotes.winner() before any vote');
    return best;
  }

  /** Votes per class, for inspection. */
  counts(): Partial<Record<DetectionClass, number>> {
    return Object.fromEntries([...this.tally].map(([name, entry]) => [name, entry.votes]));
  }
}
