import type { EngineName, FaceEngine } from './faceEngine.ts';
import { FaceApiEngine } from './faceApiEngine.ts';
import { OnnxFaceEngine } from './onnxFaceEngine.ts';

/** The configured engine, not yet loaded. */
export function createEngine(name: EngineName): FaceEngine {
  switch (name) {
    case 'onnx':
      return new OnnxFaceEngine();
    case 'faceapi':
      return new FaceApiEngine();
  }
}
