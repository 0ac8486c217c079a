/**
 * Minimum-cost matching of rows (tracks) to columns (detections) in which any row or column may stay unmatched.
 * A pair is only made when it is cheaper than leaving both sides alone, i.e. when its cost is below `maxCost` —
 * the same result as `lap.lapjv(cost, extend_cost=True, cost_limit=maxCost)`, which ByteTrack uses. Solved exactly
 * with the Hungarian method (Kuhn–Munkres with potentials, O(n³)) on the matrix extended by one dummy per row and
 * per column, each costing maxCost / 2.
 */

export interface AssignmentResult {
  /** [row, column] pairs, each with cost below maxCost. */
  matches: Array<[number, number]>;
  unmatchedRows: number[];
  unmatchedColumns: number[];
}

export function assignWithCostLimit(cost: readonly (readonly number[])[], columnCount: number, maxCost: number): AssignmentResult {
  const rowCount = cost.length;
  if (rowCount === 0 || columnCount === 0) {
    return { matches: [], unmatchedRows: range(rowCount), unmatchedColumns: range(columnCount) };
  }
  const size = rowCount + columnCount;
  const half = maxCost / 2;
  // anything at or above the limit is never worth matching; keep it finite so the potentials stay finite
  const blocked = maxCost + 1;
  const extended = (i: number, j: number): number => {
    if (i < rowCount && j < columnCount) {
      const value = cost[i]![j]!;
      return Number.isFinite(value) && value < maxCost ? value : blocked;
    }
    if (i < rowCount || j < columnCount) return half;
    return 0;
  };
  const columnOfRow = hungarian(size, extended);
  const matches: Array<[number, number]> = [];
  const matchedColumns = new Set<number>();
  const unmatchedRows: number[] = [];
  for (let row = 0; row < rowCount; row++) {
    const column = columnOfRow[row]!;
    if (column < columnCount && cost[row]![column]! < maxCost) {
      matches.push([row, column]);
      matchedColumns.add(column);
    } else unmatchedRows.push(row);
  }
  return { matches, unmatchedRows, unmatchedColumns: range(columnCount).filter((column) => !matchedColumns.has(column)) };
}

/** Square assignment problem; returns the column of each row. */
function hungarian(size: number, cost: (row: number, column: number) => number): number[] {
  // 1-based arrays as in the classic formulation; index 0 is the virtual start
  const rowPotential = new Float64Array(size + 1);
  const columnPotential = new Float64Array(size + 1);
  const rowOfColumn = new Int32Array(size + 1);
  const way = new Int32Array(size + 1);
  for (let row = 1; row <= size; row++) {
    rowOfColumn[0] = row;
    let column0 = 0;
    const minimum = new Float64Array(size + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Uint8Array(size + 1);
    do {
      used[column0] = 1;
      const row0 = rowOfColumn[column0]!;
      let delta = Number.POSITIVE_INFINITY;
      let column1 = 0;
      for (let column = 1; column <= size; column++) {
        if (used[column]) continue;
        const reduced = cost(row0 - 1, column - 1) - rowPotential[row0]! - columnPotential[column]!;
        if (reduced < minimum[column]!) {
          minimum[column] = reduced;
          way[column] = column0;
        }
        if (minimum[column]! < delta) {
          delta = minimum[column]!;
          column1 = column;
        }
      }
      for (let column = 0; column <= size; column++) {
        if (used[column]) {
          rowPotential[rowOfColumn[column]!]! += delta;
          columnPotential[column]! -= delta;
        } else minimum[column]! -= delta;
      }
      column0 = column1;
    } while (rowOfColumn[column0] !== 0);
    do {
      const column1 = way[column0]!;
      rowOfColumn[column0] = rowOfColumn[column1]!;
      column0 = column1;
    } while (column0 !== 0);
  }
  const columnOfRow = new Array<number>(size).fill(-1);
  for (let column = 1; column <= size; column++) columnOfRow[rowOfColumn[column]! - 1] = column - 1;
  return columnOfRow;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
