import { scaleToInput } from '../detect/image-input.ts';
import { rgbToNchwTensor, type TensorNormalisation } from '../detect/letterbox.ts';
import { busyApproach } from '../synthetic/busy-approach.ts';
import { defaultSyntheticCamera } from '../synthetic/camera.ts';
import { renderApproach } from '../synthetic/render-approach.ts';
import type { CalibrationInput } from './calibrate-ranges.ts';

/** Frames the int8 calibration sees: 2 to 4 queued lanes, 20 to 86 m of queue, ~80% motorbikes, as the pilots' cameras. */
export const CALIBRATION_FRAMES = 12;

/**
 * Model inputs for calibrating activation ranges: synthetic approach frames (fixed seeds, so the same int8 model
 * comes out on every machine), scaled and normalised exactly as the detector feeds the model.
 */
export async function syntheticCalibrationInputs(inputName: string, inputWidth: number, inputHeight: number, normalisation: TensorNormalisation, count = CALIBRATION_FRAMES): Promise<CalibrationInput[][]> {
  const inputs: CalibrationInput[][] = [];
  for (let index = 0; index < count; index++) {
    const view = busyApproach(index, 2 + (index % 3), 20 + 6 * index, index + 1);
    const camera = defaultSyntheticCamera(view, { width: 640, height: 360 });
    const rendered = await renderApproach(view, camera, { seed: index + 1, jpegQuality: 80 });
    const { rgb, letterbox } = await scaleToInput(rendered.frame, inputWidth, inputHeight);
    const data = new Float32Array(3 * inputWidth * inputHeight);
    rgbToNchwTensor(rgb, letterbox, normalisation, data);
    inputs.push([{ name: inputName, data, dims: [1, 3, inputHeight, inputWidth] }]);
  }
  return inputs;
}
