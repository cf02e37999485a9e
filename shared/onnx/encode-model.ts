// Serializes an ONNX ModelProto (any message of onnx.proto IR 8) to protobuf bytes: the project's one ONNX
// writer, for the indexer's model files and the Worker's scoring graphs. Hand-written, not protobufjs: see
// protobuf-writer.ts. Bytes are those protobufjs (onnx-proto) writes: fields in field-number order, repeated
// numbers packed, a scalar written when it is the object's own property and not null (so a message decoded by
// onnx-proto, whose absent fields are prototype defaults, is written back as it was read).
import type * as Onnx from "./onnx-messages.ts";
import { type Int64, ProtoMessage } from "./protobuf-writer.ts";

/** The messages by name, for the field tables below. */
interface Messages {
  ModelProto: Onnx.ModelProto;
  GraphProto: Onnx.GraphProto;
  NodeProto: Onnx.NodeProto;
  AttributeProto: Onnx.AttributeProto;
  TensorProto: Onnx.TensorProto;
  TensorSegment: Onnx.TensorSegment;
  SparseTensorProto: Onnx.SparseTensorProto;
  ValueInfoProto: Onnx.ValueInfoProto;
  TypeProto: Onnx.TypeProto;
  TypeProtoTensor: Onnx.TypeProtoTensor;
  TypeProtoSequence: Onnx.TypeProtoSequence;
  TypeProtoMap: Onnx.TypeProtoMap;
  TypeProtoOptional: Onnx.TypeProtoOptional;
  TypeProtoSparseTensor: Onnx.TypeProtoTensor;
  TensorShapeProto: Onnx.TensorShapeProto;
  TensorShapeDimension: Onnx.TensorShapeDimension;
  StringStringEntryProto: Onnx.StringStringEntryProto;
  OperatorSetIdProto: Onnx.OperatorSetIdProto;
  TensorAnnotation: Onnx.TensorAnnotation;
  TrainingInfoProto: Onnx.TrainingInfoProto;
  FunctionProto: Onnx.FunctionProto;
}
type MessageName = keyof Messages;

/** A field's protobuf type: a scalar ("int32" holds enums too; uint64 is written as int64) or a message. */
type FieldType = "int32" | "int64" | "float" | "double" | "string" | "bytes" | MessageName;

/** One field of message `T`: its property name, field number and type; `repeated` for lists. */
interface Field<T> {
  name: keyof T & string;
  id: number;
  type: FieldType;
  repeated?: true;
}

type Schema = { [M in MessageName]: readonly Field<Messages[M]>[] };

const many = { repeated: true } as const;

/** Every field of onnx.proto (IR 8, onnx 1.10: what onnx-proto decodes), in field-number order. */
export const ONNX_SCHEMA: Schema = {
  ModelProto: [
    { name: "irVersion", id: 1, type: "int64" },
    { name: "producerName", id: 2, type: "string" },
    { name: "producerVersion", id: 3, type: "string" },
    { name: "domain", id: 4, type: "string" },
    { name: "modelVersion", id: 5, type: "int64" },
    { name: "docString", id: 6, type: "string" },
    { name: "graph", id: 7, type: "GraphProto" },
    { name: "opsetImport", id: 8, type: "OperatorSetIdProto", ...many },
    { name: "metadataProps", id: 14, type: "StringStringEntryProto", ...many },
    { name: "trainingInfo", id: 20, type: "TrainingInfoProto", ...many },
    { name: "functions", id: 25, type: "FunctionProto", ...many },
  ],
  GraphProto: [
    { name: "node", id: 1, type: "NodeProto", ...many },
    { name: "name", id: 2, type: "string" },
    { name: "initializer", id: 5, type: "TensorProto", ...many },
    { name: "docString", id: 10, type: "string" },
    { name: "input", id: 11, type: "ValueInfoProto", ...many },
    { name: "output", id: 12, type: "ValueInfoProto", ...many },
    { name: "valueInfo", id: 13, type: "ValueInfoProto", ...many },
    { name: "quantizationAnnotation", id: 14, type: "TensorAnnotation", ...many },
    { name: "sparseInitializer", id: 15, type: "SparseTensorProto", ...many },
  ],
  NodeProto: [
    { name: "input", id: 1, type: "string", ...many },
    { name: "output", id: 2, type: "string", ...many },
    { name: "name", id: 3, type: "string" },
    { name: "opType", id: 4, type: "string" },
    { name: "attribute", id: 5, type: "AttributeProto", ...many },
    { name: "docString", id: 6, type: "string" },
    { name: "domain", id: 7, type: "string" },
  ],
  AttributeProto: [
    { name: "name", id: 1, type: "string" },
    { name: "f", id: 2, type: "float" },
    { name: "i", id: 3, type: "int64" },
    { name: "s", id: 4, type: "bytes" },
    { name: "t", id: 5, type: "TensorProto" },
    { name: "g", id: 6, type: "GraphProto" },
    { name: "floats", id: 7, type: "float", ...many },
    { name: "ints", id: 8, type: "int64", ...many },
    { name: "strings", id: 9, type: "bytes", ...many },
    { name: "tensors", id: 10, type: "TensorProto", ...many },
    { name: "graphs", id: 11, type: "GraphProto", ...many },
    { name: "docString", id: 13, type: "string" },
    { name: "tp", id: 14, type: "TypeProto" },
    { name: "typeProtos", id: 15, type: "TypeProto", ...many },
    { name: "type", id: 20, type: "int32" },
    { name: "refAttrName", id: 21, type: "string" },
    { name: "sparseTensor", id: 22, type: "SparseTensorProto" },
    { name: "sparseTensors", id: 23, type: "SparseTensorProto", ...many },
  ],
  TensorProto: [
    { name: "dims", id: 1, type: "int64", ...many },
    { name: "dataType", id: 2, type: "int32" },
    { name: "segment", id: 3, type: "TensorSegment" },
    { name: "floatData", id: 4, type: "float", ...many },
    { name: "int32Data", id: 5, type: "int32", ...many },
    { name: "stringData", id: 6, type: "bytes", ...many },
    { name: "int64Data", id: 7, type: "int64", ...many },
    { name: "name", id: 8, type: "string" },
    { name: "rawData", id: 9, type: "bytes" },
    { name: "doubleData", id: 10, type: "double", ...many },
    { name: "uint64Data", id: 11, type: "int64", ...many },
    { name: "docString", id: 12, type: "string" },
    { name: "externalData", id: 13, type: "StringStringEntryProto", ...many },
    { name: "dataLocation", id: 14, type: "int32" },
  ],
  TensorSegment: [
    { name: "begin", id: 1, type: "int64" },
    { name: "end", id: 2, type: "int64" },
  ],
  SparseTensorProto: [
    { name: "values", id: 1, type: "TensorProto" },
    { name: "indices", id: 2, type: "TensorProto" },
    { name: "dims", id: 3, type: "int64", ...many },
  ],
  ValueInfoProto: [
    { name: "name", id: 1, type: "string" },
    { name: "type", id: 2, type: "TypeProto" },
    { name: "docString", id: 3, type: "string" },
  ],
  TypeProto: [
    { name: "tensorType", id: 1, type: "TypeProtoTensor" },
    { name: "sequenceType", id: 4, type: "TypeProtoSequence" },
    { name: "mapType", id: 5, type: "TypeProtoMap" },
    { name: "denotation", id: 6, type: "string" },
    { name: "sparseTensorType", id: 8, type: "TypeProtoSparseTensor" },
    { name: "optionalType", id: 9, type: "TypeProtoOptional" },
  ],
  TypeProtoTensor: [
    { name: "elemType", id: 1, type: "int32" },
    { name: "shape", id: 2, type: "TensorShapeProto" },
  ],
  TypeProtoSparseTensor: [
    { name: "elemType", id: 1, type: "int32" },
    { name: "shape", id: 2, type: "TensorShapeProto" },
  ],
  TypeProtoSequence: [{ name: "elemType", id: 1, type: "TypeProto" }],
  TypeProtoMap: [
    { name: "keyType", id: 1, type: "int32" },
    { name: "valueType", id: 2, type: "TypeProto" },
  ],
  TypeProtoOptional: [{ name: "elemType", id: 1, type: "TypeProto" }],
  TensorShapeProto: [{ name: "dim", id: 1, type: "TensorShapeDimension", ...many }],
  TensorShapeDimension: [
    { name: "dimValue", id: 1, type: "int64" },
    { name: "dimParam", id: 2, type: "string" },
    { name: "denotation", id: 3, type: "string" },
  ],
  StringStringEntryProto: [
    { name: "key", id: 1, type: "string" },
    { name: "value", id: 2, type: "string" },
  ],
  OperatorSetIdProto: [
    { name: "domain", id: 1, type: "string" },
    { name: "version", id: 2, type: "int64" },
  ],
  TensorAnnotation: [
    { name: "tensorName", id: 1, type: "string" },
    { name: "quantParameterTensorNames", id: 2, type: "StringStringEntryProto", ...many },
  ],
  TrainingInfoProto: [
    { name: "initialization", id: 1, type: "GraphProto" },
    { name: "algorithm", id: 2, type: "GraphProto" },
    { name: "initializationBinding", id: 3, type: "StringStringEntryProto", ...many },
    { name: "updateBinding", id: 4, type: "StringStringEntryProto", ...many },
  ],
  FunctionProto: [
    { name: "name", id: 1, type: "string" },
    { name: "input", id: 4, type: "string", ...many },
    { name: "output", id: 5, type: "string", ...many },
    { name: "attribute", id: 6, type: "string", ...many },
    { name: "node", id: 7, type: "NodeProto", ...many },
    { name: "docString", id: 8, type: "string" },
    { name: "opsetImport", id: 9, type: "OperatorSetIdProto", ...many },
    { name: "domain", id: 10, type: "string" },
  ],
};

const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key);

/** `value` checked to be an int32 (what protobuf's int32 and enum fields hold; negatives take ten bytes). */
function int32(field: Field<object>, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31)
    throw new RangeError(`ONNX field ${field.name}: ${String(value)} is not an int32`);
  return value;
}

/** Appends one value of a singular field (or one element of a non-packed repeated field). */
function writeValue(out: ProtoMessage, field: Field<object>, value: unknown): void {
  const { id, type } = field;
  if (type === "int64") out.int64(id, value as Int64);
  else if (type === "int32") out.int64(id, int32(field, value));
  else if (type === "float") out.float(id, value as number);
  else if (type === "double") out.double(id, value as number);
  else if (type === "string") out.string(id, value as string);
  else if (type === "bytes") {
    // A Uint8Array first: Node's Buffer has a write method of its own.
    if (value instanceof Uint8Array) out.bytes(id, value);
    else {
      const deferred = value as Onnx.DeferredBytes;
      out.deferredBytes(id, deferred.byteLength, deferred.write);
    }
  } else out.message(id, encodeMessage(type, value as object));
}

/** The ProtoMessage of `value`, an object of message `name`. */
function encodeMessage(name: MessageName, value: object): ProtoMessage {
  const out = new ProtoMessage();
  const fields = ONNX_SCHEMA[name] as readonly Field<object>[];
  for (const field of fields) {
    const content = (value as Record<string, unknown>)[field.name];
    if (content == null) continue;
    if (!field.repeated) {
      if (hasOwn(value, field.name)) writeValue(out, field, content);
      continue;
    }
    const list = content as ArrayLike<unknown>;
    if (list.length === 0) continue;
    if (field.type === "int64") out.packedInt64(field.id, list as ArrayLike<Int64>);
    else if (field.type === "int32")
      out.packedInt64(
        field.id,
        Array.from(list, (v) => int32(field, v)),
      );
    else if (field.type === "float") out.packedFloats(field.id, list as ArrayLike<number>, 4);
    else if (field.type === "double") out.packedFloats(field.id, list as ArrayLike<number>, 8);
    else for (let i = 0; i < list.length; i++) writeValue(out, field, list[i]);
  }
  return out;
}

/** The serialized `model` (an .onnx file's bytes); raw data is copied once, into the returned buffer. */
export function encodeModel(model: Onnx.ModelProto): Uint8Array {
  return encodeMessage("ModelProto", model).toBytes();
}
