// Synthetic cameras: frames with ground truth rendered from an ApproachView of the twin.
export { DEFAULT_HEADING_WOBBLE, approachSpanX, laneSpans, placeVehicle } from './approach-geometry.ts';
export type { HeadingWobble, LaneSpan, VehiclePlacement } from './approach-geometry.ts';
export { NEAR_PLANE_M, PinholeCamera, clipNear, clipToFrame, defaultSyntheticCamera, resizeCamera } from './camera.ts';
export type { DefaultCameraOptions, SyntheticCamera, Vec3 } from './camera.ts';
export { calibrationPoints, syntheticCameraConfig } from './camera-config.ts';
export type { SyntheticCameraIds } from './camera-config.ts';
export { renderApproach } from './render-approach.ts';
export type { RenderOptions, RenderedFrame, RgbFrame, TruthObject } from './render-approach.ts';
export { DEFAULT_LATERAL_SPEEDS, LaneChangeSmoother, type LateralSpeeds } from './lane-change-smoother.ts';
