/**
 * A stack of recurrent layers on the WebAssembly kernels: forward through time for every layer
 * and direction, then backward through time with the weight gradients as one large product per
 * weight after the time loop. Buffers are sized for a batch capacity and reused by every call.
 *
 * Bidirectional layers run their reverse direction with the same kernels over its input in
 * reverse order (each sample's real steps reversed, see `gather_steps`); a layer's output is
 * [forward, reverse] per step. Packed batches (`lengths`) run every step, but what a padded step
 * computes is discarded: its output is 0 and its gradient dropped, so it adds nothing to any
 * gradient, and each sample's final state is read after its own last real step (PyTorch's
 * packed semantics). Batches without lengths skip all of that.
 */
import { gateCount } from '../model/cellDescriptions';
import type { CellType } from '../spec/types';
import { KERNEL_CELLS, type DirectionBuffers, type KernelCell } from './kernelCells';
import type { KernelBuffer, KernelMemory, Pointer } from './wasmKernels';

/** One direction's parameters in the engine's layout: matrices as [in, out]. */
export interface DirectionWeights {
  wihT: KernelBuffer;
  whhT: KernelBuffer;
  /** Absent with model.bias = false. */
  bih?: KernelBuffer;
  bhh?: KernelBuffer;
  /** LSTM with a projection: W_hr^T [H, P]. */
  whrT?: KernelBuffer;
}

/** The same matrices in PyTorch's layout [out, in], read by the backward pass. */
export interface DirectionCopies {
  wih: KernelBuffer;
  whh: KernelBuffer;
  whr?: KernelBuffer;
}

export interface StackConfig {
  cell: CellType;
  relu: boolean;
  layers: number;
  hidden: number;
  /** The state width P: projSize, or hidden without a projection. */
  stateWidth: number;
  /** 1, or 2 (bidirectional). */
  directions: number;
  /** Input features, or the vocabulary size of token inputs. */
  inputSize: number;
  tokens: boolean;
  steps: number;
}

/** An initial state per layer and direction (l0, l0_reverse, l1, …), [B, P] (and c [B, H]); zeros when omitted. */
export interface InitialState {
  h: Float32Array;
  c?: Float32Array;
}

export interface StackLayer {
  directions: DirectionBuffers[];
  /** Bidirectional: the outputs [T*B, 2P] as [forward, reverse] per step (else the forward hs hold them). */
  output?: KernelBuffer;
  /** Each sample's final state per direction, [B, D*P]: the forward h after its last real step, the reverse h after step 0. */
  final: KernelBuffer;
  /** ∂L/∂final, [B, D*P]: added at each sample's last real step by `backward`. */
  dFinal: KernelBuffer;
  /** Training with dropout: the outputs as the next layer reads them, and the mask, [T*B, D*P]. */
  dropped?: KernelBuffer;
  mask?: KernelBuffer;
}

export class KernelStack {
  /** Dense inputs [T*B, I], time-major. */
  readonly input?: KernelBuffer;
  /** Token ids [T*B], time-major. */
  readonly ids?: KernelBuffer;
  readonly layers: StackLayer[];
  /** ∂L/∂(top layer's outputs) from the head, [T*B, D*P]; overwritten by `backward`. */
  readonly dTop: KernelBuffer;
  /** ∂L/∂x for dense inputs, when the backward pass is asked for it. */
  readonly dInput?: KernelBuffer;
  private readonly gateWidth: number;
  private readonly outputWidth: number;
  private readonly cell: KernelCell;
  private readonly lengths: KernelBuffer;
  private readonly dz: KernelBuffer;
  private readonly dhp?: KernelBuffer;
  private readonly hp?: KernelBuffer;
  private readonly dm?: KernelBuffer;
  /** Bidirectional: one direction's ∂L/∂h_t, the other ∂L/∂(layer outputs), the reverse direction's ∂L/∂input in its order. */
  private readonly dDirection?: KernelBuffer;
  private readonly dBelow?: KernelBuffer;
  private readonly dReversedInput?: KernelBuffer;
  private readonly biasSum: KernelBuffer;
  /** The bias of a model without biases. */
  private readonly zeros: KernelBuffer;
  private batch = 0;
  private masked = false;
  private packed = false;

  constructor(
    private readonly memory: KernelMemory,
    private readonly config: StackConfig,
    readonly capacity: number,
    dropout: boolean,
  ) {
    const { steps: T, hidden: H, stateWidth: P, directions: D, layers, cell } = config;
    const rows = T * capacity;
    const G = (this.gateWidth = gateCount(cell) * H);
    this.outputWidth = D * P;
    const { description, recurrentGates } = (this.cell = KERNEL_CELLS[cell]);
    const projecting = P !== H;
    const allocate = (length: number) => memory.allocate(length);
    if (config.tokens) this.ids = allocate(rows);
    else {
      this.input = allocate(rows * config.inputSize);
      this.dInput = allocate(rows * config.inputSize);
    }
    this.lengths = allocate(capacity);
    const direction = (l: number, d: number): DirectionBuffers => ({
      gates: allocate(rows * G),
      hs: allocate((T + 1) * capacity * P),
      cs: description.hasCellState ? allocate((T + 1) * capacity * H) : undefined,
      ms: projecting ? allocate(rows * H) : undefined,
      hpn: recurrentGates ? allocate(rows * H) : undefined,
      reversedInput: d === 1 ? allocate(rows * this.inputWidth(l)) : undefined,
      dh: allocate(capacity * P),
      dc: description.hasCellState ? allocate(capacity * H) : undefined,
    });
    const width = this.outputWidth;
    this.layers = Array.from({ length: layers }, (_, l) => ({
      directions: Array.from({ length: D }, (_, d) => direction(l, d)),
      output: D === 2 ? allocate(rows * width) : undefined,
      final: allocate(capacity * width),
      dFinal: allocate(capacity * width),
      dropped: dropout && l < layers - 1 ? allocate(rows * width) : undefined,
      mask: dropout && l < layers - 1 ? allocate(rows * width) : undefined,
    }));
    this.dTop = allocate(rows * width);
    this.dz = allocate(rows * G);
    this.dhp = recurrentGates ? allocate(rows * G) : undefined;
    this.hp = recurrentGates ? allocate(capacity * G) : undefined;
    this.dm = projecting ? allocate(capacity * H) : undefined;
    if (D === 2) {
      this.dDirection = allocate(rows * P);
      this.dBelow = layers > 1 ? allocate(rows * width) : undefined;
      this.dReversedInput = allocate(rows * Math.max(width, config.tokens ? 0 : config.inputSize));
    }
    this.biasSum = allocate(G);
    this.zeros = allocate(G);
  }

  /** The top layer's outputs: a pointer to [T*B, D*P]. */
  get top(): number {
    return this.outputs(this.layers.length - 1);
  }

  /** The top layer's final states: a pointer to [B, D*P]. */
  get last(): number {
    return this.layers[this.layers.length - 1].final.pointer;
  }

  /**
   * Every layer forward over a batch of `batch` sequences whose inputs are in `input`/`ids`.
   * `masks`: the inverted-dropout masks (written into each layer's `mask` by the caller) apply.
   * `lengths`: the samples' real steps (packed); all T when omitted.
   */
  forward(weights: DirectionWeights[], batch: number, masks: boolean, lengths?: Int32Array, initial?: InitialState[]): void {
    if (batch > this.capacity) throw new Error(`batch ${batch} exceeds the stack's capacity ${this.capacity}`);
    const k = this.memory.kernels;
    const { steps: T, hidden: H, stateWidth: P, directions: D, relu } = this.config;
    const G = this.gateWidth;
    const rows = T * batch;
    this.batch = batch;
    this.masked = masks;
    this.packed = lengths !== undefined;
    if (lengths) this.memory.ints(this.lengths).set(lengths.subarray(0, batch));
    const lp = this.lengthsPointer();
    this.layers.forEach((layer, l) => {
      const width = this.inputWidth(l);
      layer.directions.forEach((direction, d) => {
        const w = weights[l * D + d];
        let source = l === 0 && this.ids ? this.ids.pointer : this.layerInput(l);
        if (d === 1) {
          k.gather_steps(T, batch, width, lp, 1, source, width, direction.reversedInput!.pointer, width, 0);
          source = direction.reversedInput!.pointer;
        }
        const bias = this.inputSideBias(w);
        if (l === 0 && this.ids) {
          k.gather_rows(rows, G, w.wihT.pointer, source, bias, direction.gates.pointer);
        } else {
          k.fill_rows(rows, G, bias, direction.gates.pointer);
          k.gemm(rows, G, width, source, width, 1, w.wihT.pointer, G, direction.gates.pointer, G, 1);
        }
        this.setInitial(direction, initial?.[l * D + d]);
        const pass = { T, B: batch, H, P, relu, layer: direction, whhT: w.whhT.pointer, whrT: w.whrT?.pointer ?? 0 };
        this.cell.forward(k, { ...pass, bhh: w.bhh?.pointer ?? this.zeros.pointer, hp: this.hp?.pointer });
        const hs = direction.hs.pointer + batch * P * 4;
        // The states computed past a sample's last real step are discarded (zeroed), so that they stay finite and add nothing.
        if (this.packed) k.gather_steps(T, batch, P, lp, 0, hs, P, hs, P, 0);
        if (layer.output) k.gather_steps(T, batch, P, lp, d, hs, P, layer.output.pointer + d * P * 4, D * P, 0);
        k.gather_final(T, batch, P, lp, direction.hs.pointer, layer.final.pointer + d * P * 4, D * P);
      });
      if (masks && layer.mask) k.multiply_arrays(rows * D * P, this.outputs(l), layer.mask.pointer, layer.dropped!.pointer);
    });
  }

  /**
   * Backward through time from `dTop` and every layer's `dFinal`, writing every parameter's
   * gradient into `gradients` (overwritten, not accumulated) and, if asked, ∂L/∂x into `dInput`.
   */
  backward(copies: DirectionCopies[], gradients: DirectionWeights[], needInputGradient: boolean): void {
    const k = this.memory.kernels;
    const { steps: T, hidden: H, stateWidth: P, directions: D, relu } = this.config;
    const G = this.gateWidth;
    const B = this.batch;
    const rows = T * B;
    const lp = this.lengthsPointer();
    let dOutputs = this.dTop.pointer;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const width = this.inputWidth(l);
      // Where ∂L/∂(this layer's input) goes: the layer below's outputs (in place with one direction), or ∂L/∂x.
      const dInputs = l > 0 ? (D === 1 ? dOutputs : this.otherOutputGradient(dOutputs)) : needInputGradient ? this.dInput?.pointer : undefined;
      layer.directions.forEach((direction, d) => {
        const g = gradients[l * D + d];
        const c = copies[l * D + d];
        this.memory.floats(direction.dh).fill(0, 0, B * P);
        if (direction.dc) this.memory.floats(direction.dc).fill(0, 0, B * H);
        // ∂L/∂h_t of this direction in its own time order; padded steps' outputs are constant, so their gradient is dropped.
        const dhs = D === 1 ? dOutputs : this.dDirection!.pointer;
        if (D === 2) k.gather_steps(T, B, P, lp, d, dOutputs + d * P * 4, D * P, dhs, P, 0);
        else if (this.packed) k.gather_steps(T, B, P, lp, 0, dhs, P, dhs, P, 0);
        k.add_final(T, B, P, lp, layer.dFinal.pointer + d * P * 4, D * P, dhs);
        // The pre-activation gradients of the input side and the recurrent side (the same but for recurrent-side gates).
        const dIn = this.dz.pointer;
        const pass = { T, B, H, P, relu, layer: direction, whh: c.whh.pointer, whr: c.whr?.pointer ?? 0, dm: this.dm?.pointer };
        const dRec = this.cell.backward(k, { ...pass, dhs, dz: dIn, dhp: this.dhp?.pointer });
        // Weight gradients: one product over all steps each, as cuDNN does.
        k.gemm(P, G, rows, direction.hs.pointer, 1, P, dRec, G, g.whhT.pointer, G, 0);
        if (g.bih && g.bhh) {
          k.column_sums(rows, G, dRec, g.bhh.pointer, 0);
          // Without recurrent-side gates both biases add to the same pre-activations: one gradient.
          if (dRec === dIn) k.fill_rows(1, G, g.bhh.pointer, g.bih.pointer);
          else k.column_sums(rows, G, dIn, g.bih.pointer, 0);
        }
        if (g.whrT) k.gemm(H, P, rows, direction.ms!.pointer, 1, H, dhs, P, g.whrT.pointer, P, 0);
        const source = d === 1 ? direction.reversedInput!.pointer : l === 0 && this.ids ? this.ids.pointer : this.layerInput(l);
        if (l === 0 && this.ids) {
          this.memory.floats(g.wihT).fill(0);
          k.scatter_add_rows(rows, G, dIn, source, g.wihT.pointer);
        } else {
          k.gemm(width, G, rows, source, 1, width, dIn, G, g.wihT.pointer, G, 0);
        }
        if (dInputs === undefined) return;
        if (d === 0) {
          k.gemm(rows, width, G, dIn, G, 1, c.wih.pointer, width, dInputs, width, 0);
        } else {
          // The reverse direction read its input reversed: its gradient goes back in input order.
          const reversed = this.dReversedInput!.pointer;
          k.gemm(rows, width, G, dIn, G, 1, c.wih.pointer, width, reversed, width, 0);
          k.gather_steps(T, B, width, lp, 1, reversed, width, dInputs, width, 1);
        }
      });
      if (l > 0) {
        // Through the layer below's dropout mask.
        const mask = this.layers[l - 1].mask;
        if (this.masked && mask) k.multiply_arrays(rows * width, dInputs!, mask.pointer, dInputs!);
        dOutputs = dInputs!;
      }
    }
  }

  /** A direction's state buffers, for reading final states and gradients of initial states. */
  direction(l: number, d: number): DirectionBuffers {
    return this.layers[l].directions[d];
  }

  private lengthsPointer(): Pointer {
    return this.packed ? this.lengths.pointer : 0;
  }

  /** Of dTop and dBelow, the one that is not `current`. */
  private otherOutputGradient(current: Pointer): Pointer {
    return current === this.dTop.pointer ? this.dBelow!.pointer : this.dTop.pointer;
  }

  /** Features per step of layer l's input: the dense inputs', 1 token id, or the layer below's outputs. */
  private inputWidth(l: number): number {
    if (l > 0) return this.outputWidth;
    return this.config.tokens ? 1 : this.config.inputSize;
  }

  /** The bias added to the input projection: both biases, except where a gate multiplies the recurrent side (GRU's b_hn, which r gates). */
  private inputSideBias(w: DirectionWeights): Pointer {
    const k = this.memory.kernels;
    if (!w.bih || !w.bhh) return this.zeros.pointer;
    if (this.cell.recurrentGates) k.fill_rows(1, this.gateWidth, w.bih.pointer, this.biasSum.pointer);
    else k.add_arrays(this.gateWidth, w.bih.pointer, w.bhh.pointer, this.biasSum.pointer);
    return this.biasSum.pointer;
  }

  /** Layer l's outputs: a pointer to [T*B, D*P]. */
  private outputs(l: number): number {
    const layer = this.layers[l];
    return layer.output ? layer.output.pointer : layer.directions[0].hs.pointer + this.batch * this.config.stateWidth * 4;
  }

  /** What layer l reads: the dense inputs, or the layer below's outputs (after dropout). */
  private layerInput(l: number): number {
    if (l === 0) return this.input!.pointer;
    const below = this.layers[l - 1];
    return this.masked && below.dropped ? below.dropped.pointer : this.outputs(l - 1);
  }

  private setInitial(direction: DirectionBuffers, initial: InitialState | undefined): void {
    const { hidden: H, stateWidth: P } = this.config;
    const h = this.memory.floats(direction.hs);
    if (initial) h.set(initial.h.subarray(0, this.batch * P));
    else h.fill(0, 0, this.batch * P);
    if (direction.cs) {
      const c = this.memory.floats(direction.cs);
      if (initial?.c) c.set(initial.c.subarray(0, this.batch * H));
      else c.fill(0, 0, this.batch * H);
    }
  }
}
