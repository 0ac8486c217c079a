import { defaultModelCacheDir, prepareDefaultModel, type PreparedModel } from '../../src/model/prepare-default-model.ts';

let prepared: Promise<PreparedModel> | undefined;

/** The default NanoDet ONNX in data/models/, converted on the first test run of this process and reused after. */
export function preparedDefaultModel(): Promise<PreparedModel> {
  prepared ??= prepareDefaultModel(defaultModelCacheDir()).then((model) => {
    console.log(`default model ${model.converted ? `converted in ${model.durationMs.toFixed(0)} ms` : `taken from the cache (checked in ${model.durationMs.toFixed(0)} ms)`}: ${model.modelPath}`);
    return model;
  });
  return prepared;
}

/** Photos from Debian's opencv-doc package (apt-get install -y opencv-doc). */
export const opencvDocPhotos = {
  doubleDeckerBus: '/usr/share/doc/opencv-doc/opencv4/html/pexels_double_decker_bus.jpg',
  bus: '/usr/share/doc/opencv-doc/opencv4/html/bus_det.jpg',
  blurredCar: '/usr/share/doc/opencv-doc/examples/data/licenseplate_motion.jpg',
  campus: '/usr/share/doc/opencv-doc/opencv4/html/Background_Subtraction_Tutorial_frame.jpg',
} as const;
