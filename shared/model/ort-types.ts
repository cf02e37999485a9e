// The slice of the ONNX Runtime JS API the shared encoders use, as structural types, so that shared/
// never imports onnxruntime: onnxruntime-node (indexer) and onnxruntime-web (worker) both satisfy them.

/** A tensor value (onnxruntime-common Tensor). */
export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
  dispose?(): void;
}

/** The Tensor constructor overloads the encoders call. */
export interface OrtTensorConstructor {
  new (type: "float32", data: Float32Array, dims: readonly number[]): OrtTensor;
  new (type: "int64", data: BigInt64Array, dims: readonly number[]): OrtTensor;
}

/** InferenceSession.ValueMetadata: shape entries are sizes or symbolic names. */
export type OrtValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | {
      readonly name: string;
      readonly isTensor: true;
      readonly type: string;
      readonly shape: ReadonlyArray<number | string>;
    };

/** A loaded model. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Absent in older runtimes; the encoders only use it when present. */
  readonly inputMetadata?: readonly OrtValueMetadata[];
  readonly outputMetadata?: readonly OrtValueMetadata[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** Session options common to both runtimes (a subset of InferenceSession.SessionOptions). */
export interface OrtSessionOptions {
  executionProviders?: string[];
  intraOpNumThreads?: number;
  graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
  /** Weights kept outside the .onnx file, by the location the model names (e.g. text_model.onnx_data). */
  externalData?: { path: string; data: Uint8Array }[];
}

/** The ONNX Runtime namespace (`import * as ort from "onnxruntime-node" | "onnxruntime-web"`). */
export interface OrtNamespace {
  Tensor: OrtTensorConstructor;
  InferenceSession: {
    create(model: Uint8Array, options?: OrtSessionOptions): Promise<OrtSession>;
  };
}
