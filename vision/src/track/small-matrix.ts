/**
 * Dense linear algebra for the few small matrices tracking and calibration need (Kalman 8x8 / 4x4, homography 8x8).
 * Row-major `number[][]`; sizes this small make plain loops faster than any library.
 */

export type Matrix = number[][];

export function zeroMatrix(rows: number, columns: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(columns).fill(0));
}

export function identityMatrix(size: number): Matrix {
  const result = zeroMatrix(size, size);
  for (let i = 0; i < size; i++) result[i]![i] = 1;
  return result;
}

export function diagonalMatrix(values: readonly number[]): Matrix {
  const result = zeroMatrix(values.length, values.length);
  values.forEach((value, i) => (result[i]![i] = value));
  return result;
}

export function multiplyMatrices(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): Matrix {
  const rows = a.length;
  const inner = b.length;
  const columns = b[0]?.length ?? 0;
  const result = zeroMatrix(rows, columns);
  for (let i = 0; i < rows; i++) {
    const rowA = a[i]!;
    const rowResult = result[i]!;
    for (let k = 0; k < inner; k++) {
      const value = rowA[k]!;
      if (value === 0) continue;
      const rowB = b[k]!;
      for (let j = 0; j < columns; j++) rowResult[j]! += value * rowB[j]!;
    }
  }
  return result;
}

export function transposeMatrix(a: readonly (readonly number[])[]): Matrix {
  const rows = a.length;
  const columns = a[0]?.length ?? 0;
  const result = zeroMatrix(columns, rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) result[j]![i] = a[i]![j]!;
  return result;
}

export function multiplyMatrixVector(a: readonly (readonly number[])[], x: readonly number[]): number[] {
  return a.map((row) => row.reduce((sum, value, j) => sum + value * x[j]!, 0));
}

/**
 * Solves A X = B (B with one or more columns) by Gaussian elimination with partial pivoting. Returns undefined when
 * A is singular: a pivot no larger than `relativeTolerance` times the largest entry of A.
 */
export function solveLinearSystems(a: readonly (readonly number[])[], b: readonly (readonly number[])[], relativeTolerance = 1e-12): Matrix | undefined {
  const size = a.length;
  const columns = b[0]?.length ?? 0;
  const left = a.map((row) => [...row]);
  const right = b.map((row) => [...row]);
  let scale = 0;
  for (const row of left) for (const value of row) scale = Math.max(scale, Math.abs(value));
  if (!(scale > 0) || !Number.isFinite(scale)) return undefined;
  const tolerance = scale * relativeTolerance;
  for (let column = 0; column < size; column++) {
    let pivotRow = column;
    for (let row = column + 1; row < size; row++) if (Math.abs(left[row]![column]!) > Math.abs(left[pivotRow]![column]!)) pivotRow = row;
    if (!(Math.abs(left[pivotRow]![column]!) > tolerance)) return undefined;
    if (pivotRow !== column) {
      [left[column], left[pivotRow]] = [left[pivotRow]!, left[column]!];
      [right[column], right[pivotRow]] = [right[pivotRow]!, right[column]!];
    }
    const pivot = left[column]![column]!;
    for (let row = column + 1; row < size; row++) {
      const factor = left[row]![column]! / pivot;
      if (factor === 0) continue;
      for (let k = column; k < size; k++) left[row]![k]! -= factor * left[column]![k]!;
      for (let k = 0; k < columns; k++) right[row]![k]! -= factor * right[column]![k]!;
    }
  }
  const solution = zeroMatrix(size, columns);
  for (let row = size - 1; row >= 0; row--) {
    for (let k = 0; k < columns; k++) {
      let sum = right[row]![k]!;
      for (let j = row + 1; j < size; j++) sum -= left[row]![j]! * solution[j]![k]!;
      solution[row]![k] = sum / left[row]![row]!;
    }
  }
  return solution;
}

/** Solves A x = b for one right-hand side; undefined when A is singular. */
export function solveLinearSystem(a: readonly (readonly number[])[], b: readonly number[], relativeTolerance = 1e-12): number[] | undefined {
  return solveLinearSystems(
    a,
    b.map((value) => [value]),
    relativeTolerance,
  )?.map((row) => row[0]!);
}
