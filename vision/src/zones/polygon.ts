import type { PlanePoint } from './homography.ts';

/**
 * Whether a point lies inside a simple polygon (even–odd rule, ray cast to +x). Edges are half-open, so a point on
 * the edge two adjacent lane polygons share belongs to exactly one of them.
 */
export function pointInPolygon(point: PlanePoint, polygon: readonly PlanePoint[]): boolean {
  const [x, y] = point;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y) {
      const crossingX = xi + ((y - yi) * (xj - xi)) / (yj - yi);
      if (x < crossingX) inside = !inside;
    }
  }
  return inside;
}
