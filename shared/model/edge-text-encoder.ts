// The Worker-ready CLIP text encoder written by `prepare-edge`: an int8 graph taking inputs_embeds, fed with rows
// of the token-embedding table (token-table.ts) as edge.json (edge-manifest.ts) describes them.
// Runtime-neutral: the ONNX Runtime namespace is injected by the caller.
import { InputError } from "../errors.ts";
import type { EdgeManifest } from "./edge-manifest.ts";
import type { OrtNamespace, OrtSession, OrtSessionOptions, OrtTensor } from "./ort-types.ts";
import { TextEncoderCore, type TextEncoderTokenizer } from "./text-encoder-core.ts";
import { type EdgeTableSource, TokenEmbeddingTable } from "./token-table.ts";

/** What createEdgeTextEncoder needs; the graph bytes and external data are only held during creation. */
export interface EdgeTextEncoderSource {
  manifest: EdgeManifest;
  /**
   * The embedding table (kept by the encoder). A loader is called after InferenceSession.create has returned,
   * so that the table (24 MiB for B/32) never coexists with the graph bytes: the peak of a Worker's 128 MB.
   * The loader can release the graph bytes first (ORT has copied them into its own memory by then).
   */
  table: EdgeTableSource;
  /** Bytes of manifest.graph.file. */
  graph: Uint8Array;
  /** Bytes of each manifest.graph.externalData file, by the same path. */
  externalData: { path: string; data: Uint8Array }[];
  /** CLIP tokenizer: ids with start and end tokens, cut to the context length, not padded. */
  tokenizer: TextEncoderTokenizer;
}

/**
 * `ids` up to its first largest id, the end token (49407, the last id of CLIP's vocabulary) that the text tower
 * pools at. The transformer is causal, so what follows cannot change the pooled row: cutting it is exact, and
 * prepare-edge's graph, which computes its last block for the last row only, needs the end token last.
 */
export function throughEndToken(ids: readonly number[]): readonly number[] {
  let end = 0;
  for (let i = 1; i < ids.length; i++) if (ids[i] > ids[end]) end = i;
  return end === ids.length - 1 ? ids : ids.slice(0, end + 1);
}

/**
 * Encodes texts with the prepared graph, through TextEncoderCore as ClipTextEncoder does: each sequence runs
 * alone and unpadded ([1, n] tokens, cut after its end token), fed as rows of the token-embedding table.
 * Made by createEdgeTextEncoder, which checks the session against edge.json first.
 */
export class EdgeTextEncoder extends TextEncoderCore {
  readonly modelId: string;
  /** The edge.json it was made from (checked against the session by createEdgeTextEncoder). */
  readonly manifest: EdgeManifest;
  protected readonly batchSize = 1;
  private readonly ort: OrtNamespace;
  private readonly table: TokenEmbeddingTable;
  private readonly inputs: EdgeManifest["graph"]["inputs"];
  private readonly output: string;

  constructor(
    ort: OrtNamespace,
    session: OrtSession,
    tokenizer: TextEncoderTokenizer,
    manifest: EdgeManifest,
    table: TokenEmbeddingTable,
  ) {
    super(session, tokenizer, {
      dimension: manifest.model.dimension,
      contextLength: manifest.tokenizer.contextLength,
      vocabSize: table.rows,
    });
    this.modelId = manifest.model.id;
    this.manifest = manifest;
    this.ort = ort;
    this.table = table;
    this.inputs = manifest.graph.inputs;
    this.output = manifest.graph.output;
  }

  /** Feeds of the batch's one sequence (batchSize 1, never padded: `length` is its own). */
  protected feeds(batch: readonly (readonly number[])[], _length: number): Record<string, OrtTensor> {
    const { ort, table, inputs } = this;
    const ids = throughEndToken(batch[0]);
    const feeds: Record<string, OrtTensor> = {
      [inputs.embeds]: new ort.Tensor("float32", table.gather(ids), [1, ids.length, table.width]),
    };
    const shape = [1, ids.length];
    if (inputs.ids)
      feeds[inputs.ids.name] = new ort.Tensor(
        "int64",
        BigInt64Array.from(ids, (id) => BigInt(id)),
        shape,
      );
    if (inputs.mask)
      feeds[inputs.mask.name] = new ort.Tensor("int64", new BigInt64Array(ids.length).fill(1n), shape);
    return feeds;
  }

  protected outputRows(outputs: Record<string, OrtTensor>): Float32Array[] {
    const data = outputs[this.output].data;
    if (!(data instanceof Float32Array) || data.length !== this.dimension)
      throw new InputError(
        "bad_edge_model",
        `${this.output} has ${(data as { length?: number }).length} values, edge.json says dimension ${this.dimension}`,
      );
    return [Float32Array.from(data)];
  }
}

/**
 * Creates the ONNX session from `source` and returns the encoder. The caller should drop its references to
 * source.graph and source.externalData afterwards (ORT has copied them); only the table stays referenced.
 * A table given as bytes is checked before the session starts; a table loader runs after it.
 */
export async function createEdgeTextEncoder(
  ort: OrtNamespace,
  source: EdgeTextEncoderSource,
  sessionOptions: OrtSessionOptions = {},
): Promise<EdgeTextEncoder> {
  const { manifest, tokenizer } = source;
  const tableSource = source.table;
  let table =
    tableSource instanceof Uint8Array ? new TokenEmbeddingTable(manifest.table, tableSource) : undefined;
  const given = source.externalData.map((file) => file.path);
  const missing = manifest.graph.externalData.filter((file) => !given.includes(file));
  if (missing.length)
    throw new InputError("bad_edge_model", `missing external data file(s): ${missing.join(", ")}`);
  const session = await ort.InferenceSession.create(source.graph, {
    ...sessionOptions,
    externalData: source.externalData,
  });
  const { inputs, output } = manifest.graph;
  const expected = [inputs.embeds, inputs.ids?.name, inputs.mask?.name].filter((name) => name !== undefined);
  const unknown = session.inputNames.filter((name) => !expected.includes(name));
  const absent = expected.filter((name) => !session.inputNames.includes(name));
  try {
    if (unknown.length || absent.length || !session.outputNames.includes(output))
      throw new InputError(
        "bad_edge_model",
        `the graph does not match edge.json (unexpected inputs: ${unknown.join(", ") || "none"}; missing: ${absent.join(", ") || "none"}; output ${output}); run prepare-edge again`,
      );
    table ??= new TokenEmbeddingTable(manifest.table, await (tableSource as () => Promise<Uint8Array>)());
  } catch (error) {
    await session.release();
    throw error;
  }
  return new EdgeTextEncoder(ort, session, tokenizer, manifest, table);
}
