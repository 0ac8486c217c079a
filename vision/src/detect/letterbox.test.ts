import { describe, expect, it } from 'vitest';
import { boxToFrame, computeLetterbox, rgbToNchwTensor } from './letterbox.ts';

describe('letterbox', () => {
  it('fits a wide frame by width and centres it vertically', () => {
    const box = computeLetterbox(1280, 720, 416, 416);
    expect(box).toMatchObject({ scaledWidth: 416, scaledHeight: 234, padX: 0, padY: 91 });
  });

  it('maps input boxes back to frame pixels and clips them to the frame', () => {
    const letterbox = computeLetterbox(1280, 720, 416, 416);
    const scale = 416 / 1280;
    const frameBox = [100, 200, 300, 400];
    const inputBox: [number, number, number, number] = [100 * scale, 200 * (234 / 720) + 91, 300 * scale, 400 * (234 / 720) + 91];
    boxToFrame(inputBox, letterbox).forEach((value, index) => expect(value).toBeCloseTo(frameBox[index] as number, 6));
    expect(boxToFrame([-20, 0, 500, 416], letterbox)).toEqual([0, 0, 1280, 720]);
  });

  it('builds NCHW in the requested channel order, normalised, with the padding value around the frame', () => {
    // a 2x1 frame scaled into a 2x4 input: rows 0 and 3 are padding... padY = floor((4 - 1) / 2) = 1
    const letterbox = { ...computeLetterbox(2, 1, 2, 4), scaledWidth: 2, scaledHeight: 1, padX: 0, padY: 1 };
    const rgb = Uint8Array.from([10, 20, 30, 40, 50, 60]);
    const tensor = rgbToNchwTensor(rgb, letterbox, { channelOrder: 'bgr', mean: [1, 2, 3], std: [1, 2, 4], padValue: 0 });
    const plane = 8;
    // channel 0 = blue: (30 - 1) / 1, (60 - 1) / 1 on row 1
    expect(Array.from(tensor.subarray(0, plane))).toEqual([-1, -1, 29, 59, -1, -1, -1, -1]);
    // channel 1 = green: (20 - 2) / 2, (50 - 2) / 2
    expect(Array.from(tensor.subarray(plane, 2 * plane))).toEqual([-1, -1, 9, 24, -1, -1, -1, -1]);
    // channel 2 = red: (10 - 3) / 4, (40 - 3) / 4
    expect(Array.from(tensor.subarray(2 * plane))).toEqual([-0.75, -0.75, 1.75, 9.25, -0.75, -0.75, -0.75, -0.75]);
  });
});
