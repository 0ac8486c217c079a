import type { Box } from './detection.ts';

/** How a frame was fitted into the model input: scaled by `scale`, then placed at (padX, padY). */
export interface Letterbox {
  sourceWidth: number;
  sourceHeight: number;
  inputWidth: number;
  inputHeight: number;
  scale: number;
  /** Size of the scaled frame inside the input. */
  scaledWidth: number;
  scaledHeight: number;
  padX: number;
  padY: number;
}

/** Fits a frame into the input keeping its aspect ratio, centred, with padding on the short side. */
export function computeLetterbox(sourceWidth: number, sourceHeight: number, inputWidth: number, inputHeight: number): Letterbox {
  const scale = Math.min(inputWidth / sourceWidth, inputHeight / sourceHeight);
  const scaledWidth = Math.min(inputWidth, Math.max(1, Math.round(sourceWidth * scale)));
  const scaledHeight = Math.min(inputHeight, Math.max(1, Math.round(sourceHeight * scale)));
  return {
    sourceWidth,
    sourceHeight,
    inputWidth,
    inputHeight,
    scale,
    scaledWidth,
    scaledHeight,
    padX: Math.floor((inputWidth - scaledWidth) / 2),
    padY: Math.floor((inputHeight - scaledHeight) / 2),
  };
}

/** A box in model-input pixels back to frame pixels, clipped to the frame. */
export function boxToFrame(box: Box, letterbox: Letterbox): Box {
  const scaleX = letterbox.scaledWidth / letterbox.sourceWidth;
  const scaleY = letterbox.scaledHeight / letterbox.sourceHeight;
  const x = (value: number) => Math.min(letterbox.sourceWidth, Math.max(0, (value - letterbox.padX) / scaleX));
  const y = (value: number) => Math.min(letterbox.sourceHeight, Math.max(0, (value - letterbox.padY) / scaleY));
  return [x(box[0]), y(box[1]), x(box[2]), y(box[3])];
}

export interface TensorNormalisation {
  /** Channel order of the model input. */
  channelOrder: 'rgb' | 'bgr';
  /** Per input channel (in `channelOrder`), on 0..255 values: (value - mean) / std. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** Value (0..255, all channels) of the padding around the scaled frame. */
  padValue: number;
}

/**
 * Builds the NCHW float32 input from the scaled RGB frame (interleaved, `scaledWidth` x `scaledHeight`):
 * padding everywhere, the frame at (padX, padY), channels reordered and normalised.
 */
export function rgbToNchwTensor(rgb: Uint8Array, letterbox: Letterbox, normalisation: TensorNormalisation, target?: Float32Array): Float32Array {
  const { inputWidth, inputHeight, scaledWidth, scaledHeight, padX, padY } = letterbox;
  const plane = inputWidth * inputHeight;
  const tensor = target ?? new Float32Array(3 * plane);
  if (rgb.length < scaledWidth * scaledHeight * 3) throw new RangeError(`frame holds ${rgb.length} bytes, ${scaledWidth}x${scaledHeight} RGB needs ${scaledWidth * scaledHeight * 3}`);
  // tensor channel c reads source channel sources[c]
  const sources = normalisation.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  for (let channel = 0; channel < 3; channel += 1) {
    const mean = normalisation.mean[channel] as number;
    const inverseStd = 1 / (normalisation.std[channel] as number);
    const source = sources[channel] as number;
    const offset = channel * plane;
    tensor.fill((normalisation.padValue - mean) * inverseStd, offset, offset + plane);
    for (let row = 0; row < scaledHeight; row += 1) {
      let read = row * scaledWidth * 3 + source;
      let write = offset + (row + padY) * inputWidth + padX;
      for (let column = 0; column < scaledWidth; column += 1) {
        tensor[write] = ((rgb[read] as number) - mean) * inverseStd;
        read += 3;
        write += 1;
      }
    }
  }
  return tensor;
}
