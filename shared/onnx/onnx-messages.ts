// The ONNX protobuf messages (onnx.proto, IR 8) as plain objects: what the writer takes. Field names are
// protobufjs' camelCase, so messages decoded by onnx-proto (indexer/onnx/proto.ts) are accepted as they are.
import type { Int64 } from "./protobuf-writer.ts";

export type { Int64 };

/** An optional field: absent, null and undefined all mean "not written". */
type Opt<T> = T | null | undefined;
/** A repeated field: absent or empty means "not written". */
type List<T> = Opt<readonly T[]>;

/**
 * Bytes the writer fills in place, so that a payload computed from other data (a transposed matrix) goes
 * straight into the serialized model without a buffer of its own; `write` gets exactly `byteLength` bytes.
 */
export interface DeferredBytes {
  byteLength: number;
  write: (out: Uint8Array) => void;
}

export interface StringStringEntryProto {
  key?: Opt<string>;
  value?: Opt<string>;
}

export interface OperatorSetIdProto {
  domain?: Opt<string>;
  version?: Opt<Int64>;
}

export interface TensorSegment {
  begin?: Opt<Int64>;
  end?: Opt<Int64>;
}

export interface TensorProto {
  dims?: List<Int64>;
  dataType?: Opt<number>;
  segment?: Opt<TensorSegment>;
  floatData?: List<number>;
  int32Data?: List<number>;
  stringData?: List<Uint8Array>;
  int64Data?: List<Int64>;
  name?: Opt<string>;
  /** The tensor's little-endian element bytes, or bytes the writer fills in place. */
  rawData?: Opt<Uint8Array | DeferredBytes>;
  doubleData?: List<number>;
  uint64Data?: List<Int64>;
  docString?: Opt<string>;
  /** `location`, `offset`, `length` (and optionally `checksum`) of data kept outside the model file. */
  externalData?: List<StringStringEntryProto>;
  /** ONNX_DATA_LOCATION. */
  dataLocation?: Opt<number>;
}

export interface SparseTensorProto {
  values?: Opt<TensorProto>;
  indices?: Opt<TensorProto>;
  dims?: List<Int64>;
}

export interface TensorShapeDimension {
  dimValue?: Opt<Int64>;
  dimParam?: Opt<string>;
  denotation?: Opt<string>;
}

export interface TensorShapeProto {
  dim?: List<TensorShapeDimension>;
}

export interface TypeProtoTensor {
  elemType?: Opt<number>;
  shape?: Opt<TensorShapeProto>;
}

export interface TypeProtoSequence {
  elemType?: Opt<TypeProto>;
}

export interface TypeProtoMap {
  keyType?: Opt<number>;
  valueType?: Opt<TypeProto>;
}

export interface TypeProtoOptional {
  elemType?: Opt<TypeProto>;
}

export interface TypeProto {
  tensorType?: Opt<TypeProtoTensor>;
  sequenceType?: Opt<TypeProtoSequence>;
  mapType?: Opt<TypeProtoMap>;
  denotation?: Opt<string>;
  sparseTensorType?: Opt<TypeProtoTensor>;
  optionalType?: Opt<TypeProtoOptional>;
}

export interface ValueInfoProto {
  name?: Opt<string>;
  type?: Opt<TypeProto>;
  docString?: Opt<string>;
}

export interface AttributeProto {
  name?: Opt<string>;
  f?: Opt<number>;
  i?: Opt<Int64>;
  s?: Opt<Uint8Array>;
  t?: Opt<TensorProto>;
  g?: Opt<GraphProto>;
  floats?: List<number>;
  ints?: List<Int64>;
  strings?: List<Uint8Array>;
  tensors?: List<TensorProto>;
  graphs?: List<GraphProto>;
  docString?: Opt<string>;
  tp?: Opt<TypeProto>;
  typeProtos?: List<TypeProto>;
  /** ONNX_ATTRIBUTE_TYPE. */
  type?: Opt<number>;
  refAttrName?: Opt<string>;
  sparseTensor?: Opt<SparseTensorProto>;
  sparseTensors?: List<SparseTensorProto>;
}

export interface NodeProto {
  input?: List<string>;
  output?: List<string>;
  name?: Opt<string>;
  opType?: Opt<string>;
  attribute?: List<AttributeProto>;
  docString?: Opt<string>;
  domain?: Opt<string>;
}

export interface TensorAnnotation {
  tensorName?: Opt<string>;
  quantParameterTensorNames?: List<StringStringEntryProto>;
}

export interface GraphProto {
  node?: List<NodeProto>;
  name?: Opt<string>;
  initializer?: List<TensorProto>;
  docString?: Opt<string>;
  input?: List<ValueInfoProto>;
  output?: List<ValueInfoProto>;
  valueInfo?: List<ValueInfoProto>;
  quantizationAnnotation?: List<TensorAnnotation>;
  sparseInitializer?: List<SparseTensorProto>;
}

export interface TrainingInfoProto {
  initialization?: Opt<GraphProto>;
  algorithm?: Opt<GraphProto>;
  initializationBinding?: List<StringStringEntryProto>;
  updateBinding?: List<StringStringEntryProto>;
}

export interface FunctionProto {
  name?: Opt<string>;
  input?: List<string>;
  output?: List<string>;
  attribute?: List<string>;
  node?: List<NodeProto>;
  docString?: Opt<string>;
  opsetImport?: List<OperatorSetIdProto>;
  domain?: Opt<string>;
}

export interface ModelProto {
  irVersion?: Opt<Int64>;
  producerName?: Opt<string>;
  producerVersion?: Opt<string>;
  domain?: Opt<string>;
  modelVersion?: Opt<Int64>;
  docString?: Opt<string>;
  graph?: Opt<GraphProto>;
  opsetImport?: List<OperatorSetIdProto>;
  metadataProps?: List<StringStringEntryProto>;
  trainingInfo?: List<TrainingInfoProto>;
  functions?: List<FunctionProto>;
}
