/**
 * A stack of recurrent layers on the WebAssembly kernels: forward through time for every layer,
 * then backward through time with the weight gradients as one large product per weight after
 * the time loop. Buffers are sized for a batch capacity and reused by every call.
 */
import { gateCount } from '../model/cellDescriptions';
import type { CellType } from '../spec/types';
import { KERNEL_CELLS, type KernelCell, type LayerBuffers } from './kernelCells';
import type { KernelBuffer, KernelMemory } from './wasmKernels';

/** A layer's parameters in the engine's layout: matrices as [in, gates·hidden]. */
export interface LayerWeights {
  wihT: KernelBuffer;
  whhT: KernelBuffer;
  bih: KernelBuffer;
  bhh: KernelBuffer;
}

/** The same matrices in PyTorch's layout [gates·hidden, in], read by the backward pass. */
export interface LayerCopies {
  wih: KernelBuffer;
  whh: KernelBuffer;
}

export interface StackConfig {
  cell: CellType;
  relu: boolean;
  layers: number;
  hidden: number;
  /** Input features, or the vocabulary size of token inputs. */
  inputSize: number;
  tokens: boolean;
  steps: number;
}

/** An initial state per layer, [B, H] each; zeros when omitted. */
export interface InitialState {
  h: Float32Array;
  c?: Float32Array;
}

export class KernelStack {
  /** Dense inputs [T*B, I], time-major. */
  readonly input?: KernelBuffer;
  /** Token ids [T*B], time-major. */
  readonly ids?: KernelBuffer;
  readonly layers: LayerBuffers[];
  /** ∂L/∂h_t of the top layer from the head [T*B, H]; the total ∂L/∂h_t after `backward`. */
  readonly dTop: KernelBuffer;
  /** ∂L/∂x for dense inputs, when the backward pass is asked for it. */
  readonly dInput?: KernelBuffer;
  private readonly gateWidth: number;
  private readonly cell: KernelCell;
  private readonly dz: KernelBuffer;
  private readonly dhp?: KernelBuffer;
  private readonly hp?: KernelBuffer;
  private readonly biasSum: KernelBuffer;
  private batch = 0;
  private masked = false;

  constructor(
    private readonly memory: KernelMemory,
    private readonly config: StackConfig,
    readonly capacity: number,
    dropout: boolean,
  ) {
    const { steps: T, hidden: H, inputSize: I, layers, cell } = config;
    const rows = T * capacity;
    const G = (this.gateWidth = gateCount(cell) * H);
    const { description, recurrentGates } = (this.cell = KERNEL_CELLS[cell]);
    const allocate = (length: number) => memory.allocate(length);
    if (config.tokens) this.ids = allocate(rows);
    else {
      this.input = allocate(rows * I);
      this.dInput = allocate(rows * I);
    }
    this.layers = Array.from({ length: layers }, (_, k) => ({
      gates: allocate(rows * G),
      hs: allocate((T + 1) * capacity * H),
      cs: description.hasCellState ? allocate((T + 1) * capacity * H) : undefined,
      hpn: recurrentGates ? allocate(rows * H) : undefined,
      dropped: dropout && k < layers - 1 ? allocate(rows * H) : undefined,
      mask: dropout && k < layers - 1 ? allocate(rows * H) : undefined,
      dh: allocate(capacity * H),
      dc: description.hasCellState ? allocate(capacity * H) : undefined,
    }));
    this.dTop = allocate(rows * H);
    this.dz = allocate(rows * G);
    this.dhp = recurrentGates ? allocate(rows * G) : undefined;
    this.hp = recurrentGates ? allocate(capacity * G) : undefined;
    this.biasSum = allocate(G);
  }

  /** The top layer's outputs h_1 … h_T: a pointer to [T*B, H]. */
  get top(): number {
    return this.outputs(this.layers.length - 1);
  }

  /** The top layer's last hidden state h_T: a pointer to [B, H]. */
  get last(): number {
    const { steps: T, hidden: H } = this.config;
    return this.layers[this.layers.length - 1].hs.pointer + T * this.batch * H * 4;
  }

  /**
   * Every layer forward over a batch of `batch` sequences whose inputs are in `input`/`ids`.
   * `masks`: the inverted-dropout masks (written into each layer's `mask` by the caller) apply.
   */
  forward(weights: LayerWeights[], batch: number, masks: boolean, initial?: InitialState[]): void {
    if (batch > this.capacity) throw new Error(`batch ${batch} exceeds the stack's capacity ${this.capacity}`);
    const k = this.memory.kernels;
    const { steps: T, hidden: H, relu, inputSize } = this.config;
    const G = this.gateWidth;
    const rows = T * batch;
    this.batch = batch;
    this.masked = masks;
    weights.forEach((w, l) => {
      const layer = this.layers[l];
      // The input-side bias: both biases, except where a gate multiplies the recurrent side (GRU's b_hn, which r gates).
      if (this.cell.recurrentGates) k.fill_rows(1, G, w.bih.pointer, this.biasSum.pointer);
      else k.add_arrays(G, w.bih.pointer, w.bhh.pointer, this.biasSum.pointer);
      if (l === 0 && this.ids) {
        k.gather_rows(rows, G, w.wihT.pointer, this.ids.pointer, this.biasSum.pointer, layer.gates.pointer);
      } else {
        const width = l === 0 ? inputSize : H;
        k.fill_rows(rows, G, this.biasSum.pointer, layer.gates.pointer);
        k.gemm(rows, G, width, this.layerInput(l), width, 1, w.wihT.pointer, G, layer.gates.pointer, G, 1);
      }
      this.setInitial(layer, initial?.[l]);
      this.cell.forward(k, { T, B: batch, H, relu, layer, whhT: w.whhT.pointer, bhh: w.bhh.pointer, hp: this.hp?.pointer });
      if (masks && layer.mask) k.multiply_arrays(rows * H, this.outputs(l), layer.mask.pointer, layer.dropped!.pointer);
    });
  }

  /**
   * Backward through time from `dTop`, writing every parameter's gradient into `gradients`
   * (overwritten, not accumulated) and, if asked, ∂L/∂x into `dInput`.
   */
  backward(copies: LayerCopies[], gradients: LayerWeights[], needInputGradient: boolean): void {
    const k = this.memory.kernels;
    const { steps: T, hidden: H, relu, inputSize } = this.config;
    const G = this.gateWidth;
    const B = this.batch;
    const rows = T * B;
    const dhs = this.dTop.pointer;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const g = gradients[l];
      this.memory.floats(layer.dh).fill(0, 0, B * H);
      if (layer.dc) this.memory.floats(layer.dc).fill(0, 0, B * H);
      // The pre-activation gradients of the input side and the recurrent side (the same but for recurrent-side gates).
      const dIn = this.dz.pointer;
      const dRec = this.cell.backward(k, { T, B, H, relu, layer, whh: copies[l].whh.pointer, dhs, dz: dIn, dhp: this.dhp?.pointer });
      // Weight gradients: one product over all steps each, as cuDNN does.
      k.gemm(H, G, rows, layer.hs.pointer, 1, H, dRec, G, g.whhT.pointer, G, 0);
      k.column_sums(rows, G, dRec, g.bhh.pointer, 0);
      k.column_sums(rows, G, dIn, g.bih.pointer, 0);
      if (l === 0 && this.ids) {
        this.memory.floats(g.wihT).fill(0);
        k.scatter_add_rows(rows, G, dIn, this.ids.pointer, g.wihT.pointer);
      } else {
        const width = l === 0 ? inputSize : H;
        k.gemm(width, G, rows, this.layerInput(l), 1, width, dIn, G, g.wihT.pointer, G, 0);
      }
      if (l > 0) {
        // ∂L/∂(outputs of the layer below), through its dropout mask.
        k.gemm(rows, H, G, dIn, G, 1, copies[l].wih.pointer, H, dhs, H, 0);
        const mask = this.layers[l - 1].mask;
        if (this.masked && mask) k.multiply_arrays(rows * H, dhs, mask.pointer, dhs);
      } else if (needInputGradient && this.dInput) {
        k.gemm(rows, inputSize, G, dIn, G, 1, copies[0].wih.pointer, inputSize, this.dInput.pointer, inputSize, 0);
      }
    }
  }

  /** Layer l's outputs h_1 … h_T: a pointer to [T*B, H]. */
  private outputs(l: number): number {
    return this.layers[l].hs.pointer + this.batch * this.config.hidden * 4;
  }

  /** What layer l reads: the dense inputs, or the layer below's outputs (after dropout). */
  private layerInput(l: number): number {
    if (l === 0) return this.input!.pointer;
    const below = this.layers[l - 1];
    return this.masked && below.dropped ? below.dropped.pointer : this.outputs(l - 1);
  }

  private setInitial(layer: LayerBuffers, initial: InitialState | undefined): void {
    const size = this.batch * this.config.hidden;
    const h = this.memory.floats(layer.hs);
    if (initial) h.set(initial.h.subarray(0, size));
    else h.fill(0, 0, size);
    if (layer.cs) {
      const c = this.memory.floats(layer.cs);
      if (initial?.c) c.set(initial.c.subarray(0, size));
      else c.fill(0, 0, size);
    }
  }
}
