/**
 * The fast engine: the same network, loss and optimizers as the tfjs reference engine
 * (`createTfjsEngine`), computed by the WebAssembly kernels with every buffer allocated once.
 * Probes and text generation, which run once per epoch or on demand, are delegated to the
 * reference engine with the current weights, so their numbers come from the readable code.
 */
import { gateCount } from '../model/cellDescriptions';
import { readsEveryStep } from '../model/head';
import { initialWeights, inputSize, parameterShapes } from '../model/initialization';
import { clipScale } from '../model/optimizerRules';
import { isMatrix, stateDictEntry } from '../model/parameters';
import { directionCount, directionNames, layerOutputWidth, stateWidth } from '../model/parameterLayout';
import { createTfjsEngine } from '../model/tfjsEngine';
import { toTimeMajor } from '../model/timeMajor';
import type { Batch, EngineConfig, EvaluationResult, ProbeResult, SequenceModel, StateDict, StepResult, TrainingState } from '../model/types';
import { Random } from '../random';
import { kernelUpdate } from './kernelOptimizer';
import { KernelStack, type DirectionCopies, type DirectionWeights } from './kernelStack';
import { KernelMemory, type KernelBuffer } from './wasmKernels';

export function createKernelEngine(config: EngineConfig): SequenceModel {
  return new KernelEngine(config);
}

/** One parameter inside the flat parameter vector. */
interface Slot {
  name: string;
  /** PyTorch's shape; matrices are kept transposed inside. */
  shape: number[];
  offset: number;
  length: number;
}

interface Workspace {
  stack: KernelStack;
  /** Head outputs [rows, O] and their gradient; rows = T*B for token tasks, else B. */
  outputs: KernelBuffer;
  dOutputs: KernelBuffer;
  /** Batch-major staging for inputs, and for token outputs on their way out. */
  staging: KernelBuffer;
  targets: KernelBuffer;
  labels: KernelBuffer;
  correct: KernelBuffer;
  /** The allocation mark before this workspace, to free it for a larger one. */
  mark: number;
}

class KernelEngine implements SequenceModel {
  readonly parameterCount: number;
  private readonly memory: KernelMemory;
  private readonly slots: Slot[];
  private readonly params: KernelBuffer;
  private readonly gradients: KernelBuffer;
  /** Optimizer state: Adam's m and v; RMSprop's mean square and momentum buffer; SGD's momentum buffer. */
  private readonly state1: KernelBuffer;
  private readonly state2: KernelBuffer;
  /** Per layer and direction: l0, l0_reverse, l1, … */
  private readonly weights: DirectionWeights[];
  private readonly gradientViews: DirectionWeights[];
  private readonly copies: DirectionCopies[];
  private readonly head: { weightT: KernelBuffer; bias: KernelBuffer; weight: KernelBuffer };
  private readonly headGradients: { weightT: KernelBuffer; bias: KernelBuffer };
  private readonly dropoutRandom: Random;
  /** Dropout acts between layers, so only with more than one. */
  private readonly dropout: boolean;
  private workspace?: Workspace;
  private step = 0;
  private reference?: SequenceModel;

  constructor(private readonly config: EngineConfig) {
    this.memory = new KernelMemory({ maximumBytes: config.memoryLimitBytes, threads: config.threads });
    const shapes = parameterShapes(config);
    let offset = 0;
    this.slots = [...shapes].map(([name, shape]) => {
      const length = shape.reduce((a, b) => a * b, 1);
      // Every slot starts 16-byte aligned for the SIMD loads.
      const slot = { name, shape, offset, length };
      offset += Math.ceil(length / 4) * 4;
      return slot;
    });
    this.parameterCount = this.slots.reduce((sum, slot) => sum + slot.length, 0);
    this.params = this.memory.allocate(offset);
    this.gradients = this.memory.allocate(offset);
    this.state1 = this.memory.allocate(offset);
    this.state2 = this.memory.allocate(offset);
    const view = (block: KernelBuffer, name: string): KernelBuffer => {
      const slot = this.slot(name);
      return { pointer: block.pointer + slot.offset * 4, length: slot.length };
    };
    const optional = (block: KernelBuffer, name: string | undefined) => (name === undefined ? undefined : view(block, name));
    const D = directionCount(config.model);
    const directions = Array.from({ length: config.model.layers * D }, (_, i) => directionNames(config.model, Math.floor(i / D), i % D === 1));
    const directionView = (block: KernelBuffer) =>
      directions.map((names): DirectionWeights => ({
        wihT: view(block, names.wih),
        whhT: view(block, names.whh),
        bih: optional(block, names.bih),
        bhh: optional(block, names.bhh),
        whrT: optional(block, names.whr),
      }));
    this.weights = directionView(this.params);
    this.gradientViews = directionView(this.gradients);
    this.copies = this.weights.map((w) => ({
      wih: this.memory.allocate(w.wihT.length),
      whh: this.memory.allocate(w.whhT.length),
      whr: w.whrT ? this.memory.allocate(w.whrT.length) : undefined,
    }));
    this.head = {
      weightT: view(this.params, 'head.weight'),
      bias: view(this.params, 'head.bias'),
      weight: this.memory.allocate(this.slot('head.weight').length),
    };
    this.headGradients = { weightT: view(this.gradients, 'head.weight'), bias: view(this.gradients, 'head.bias') };
    this.dropoutRandom = new Random(config.seed).fork(2);
    this.dropout = config.model.dropout > 0 && config.model.layers > 1;
    this.loadStateDict(initialWeights(config));
  }

  trainStep(batch: Batch, learningRate: number): StepResult {
    const k = this.memory.kernels;
    const workspace = this.load(batch);
    if (this.dropout) this.drawMasks(workspace.stack, batch.size);
    workspace.stack.forward(this.weights, batch.size, this.dropout, batch.lengths);
    const loss = this.headForwardAndLoss(workspace, batch.size);
    this.headBackward(workspace, batch.size);
    workspace.stack.backward(this.copies, this.gradientViews, false);
    const gradNorm = Math.sqrt(k.sum_of_squares(this.gradients.length, this.gradients.pointer));
    if (Number.isFinite(loss) && Number.isFinite(gradNorm)) {
      this.update(learningRate, clipScale(gradNorm, this.config.training.clipNorm));
    }
    return { loss, gradNorm, ...this.accuracyCounts(workspace, batch.size) };
  }

  evaluate(batch: Batch): EvaluationResult {
    const workspace = this.load(batch);
    workspace.stack.forward(this.weights, batch.size, false, batch.lengths);
    const loss = this.headForwardAndLoss(workspace, batch.size);
    return { loss, ...this.accuracyCounts(workspace, batch.size), outputs: this.batchMajorOutputs(workspace, batch.size) };
  }

  /** The correct predictions the loss kernel counted, and of how many (none for a forecast). */
  private accuracyCounts(workspace: { correct: KernelBuffer }, size: number): { correct?: number; counted?: number } {
    if (this.config.task === 'forecast') return {};
    return { correct: this.memory.ints(workspace.correct)[0], counted: this.rows(size) };
  }

  probe(batch: Batch, steps?: number[]): ProbeResult {
    return this.synchronizedReference().probe(batch, steps);
  }

  generate(prime: number[], length: number, temperature: number, vocabulary: string[], seed: number) {
    return this.synchronizedReference().generate(prime, length, temperature, vocabulary, seed);
  }

  stateDict(): StateDict {
    return this.torchLayout(this.params);
  }

  loadStateDict(weights: StateDict): void {
    // A bare nn.RNN/LSTM/GRU state dict keeps the current head.
    const current = this.stateDict();
    this.setFromTorchLayout(
      this.params,
      this.slots.map((slot) => stateDictEntry(weights, slot.name, slot.shape, current)),
    );
    this.refreshCopies();
  }

  trainingState(): TrainingState {
    const optimizer: StateDict = {};
    for (const [suffix, block] of this.optimizerBuffers()) {
      for (const [name, entry] of Object.entries(this.torchLayout(block))) optimizer[`${name}.${suffix}`] = entry;
    }
    return { optimizerStep: this.step, optimizer, dropoutRandom: this.dropoutRandom.saveState() };
  }

  loadTrainingState(state: TrainingState): void {
    const buffers = this.optimizerBuffers();
    const expected = new Set(buffers.flatMap(([suffix]) => this.slots.map((slot) => `${slot.name}.${suffix}`)));
    const foreign = Object.keys(state.optimizer).find((key) => !expected.has(key));
    if (foreign) throw new Error(`the optimizer state "${foreign}" does not belong to this model's ${this.config.training.optimizer} optimizer`);
    for (const [suffix, block] of buffers) {
      this.setFromTorchLayout(
        block,
        this.slots.map((slot) => stateDictEntry(state.optimizer, `${slot.name}.${suffix}`, slot.shape)),
      );
    }
    this.step = state.optimizerStep;
    this.dropoutRandom.restoreState(state.dropoutRandom);
  }

  memoryBytes(): number {
    return this.memory.memory.buffer.byteLength;
  }

  dispose(): void {
    this.reference?.dispose();
    this.reference = undefined;
    this.memory.close();
  }

  private slot(name: string): Slot {
    return this.slots.find((slot) => slot.name === name)!;
  }

  private rows(batchSize: number): number {
    return readsEveryStep(this.config.task) ? this.config.seqLength * batchSize : batchSize;
  }

  /** The workspace for this batch, with the batch's inputs and targets copied in, time-major. */
  private load(batch: Batch): Workspace {
    const workspace = this.workspaceFor(batch.size);
    const k = this.memory.kernels;
    const { seqLength: T } = this.config;
    const B = batch.size;
    const { stack } = workspace;
    if (stack.ids) {
      toTimeMajor(batch.inputs as Int32Array, B, T, this.memory.ints(stack.ids));
    } else {
      const width = inputSize(this.config);
      this.memory.floats(workspace.staging).set(batch.inputs as Float32Array);
      k.swap_major(B, T, width, workspace.staging.pointer, stack.input!.pointer);
    }
    if (this.config.task === 'forecast') {
      this.memory.floats(workspace.targets).set(batch.targets as Float32Array);
    } else {
      const labels = this.memory.ints(workspace.labels);
      const source = batch.labels as Int32Array;
      if (readsEveryStep(this.config.task)) toTimeMajor(source, B, T, labels);
      else labels.set(source);
    }
    return workspace;
  }

  private workspaceFor(batchSize: number): Workspace {
    if (this.workspace && this.workspace.stack.capacity >= batchSize) {
      return this.workspace;
    }
    // A larger batch than any before: replace the workspace (the memory below it stays).
    if (this.workspace) this.memory.release(this.workspace.mark);
    const mark = this.memory.mark;
    const { seqLength: T, outputSize: O, model } = this.config;
    const rows = this.rows(batchSize);
    const stack = new KernelStack(
      this.memory,
      {
        cell: model.cell,
        relu: model.nonlinearity === 'relu',
        layers: model.layers,
        hidden: model.hiddenSize,
        stateWidth: stateWidth(model),
        directions: directionCount(model),
        inputSize: inputSize(this.config),
        tokens: this.config.input.kind === 'tokens',
        steps: T,
      },
      batchSize,
      this.dropout,
    );
    const allocate = (length: number) => this.memory.allocate(length);
    this.workspace = {
      stack,
      outputs: allocate(rows * O),
      dOutputs: allocate(rows * O),
      staging: allocate(Math.max(T * batchSize * (stack.input ? inputSize(this.config) : 0), rows * O)),
      targets: allocate(batchSize * O),
      labels: allocate(rows),
      correct: allocate(1),
      mark,
    };
    return this.workspace;
  }

  /** The head on the last step (or every step) and the loss; leaves ∂loss/∂outputs in `dOutputs`. */
  private headForwardAndLoss(workspace: Workspace, batchSize: number): number {
    const k = this.memory.kernels;
    const H = layerOutputWidth(this.config.model);
    const O = this.config.outputSize;
    const rows = this.rows(batchSize);
    const features = readsEveryStep(this.config.task) ? workspace.stack.top : workspace.stack.last;
    k.fill_rows(rows, O, this.head.bias.pointer, workspace.outputs.pointer);
    k.gemm(rows, O, H, features, H, 1, this.head.weightT.pointer, O, workspace.outputs.pointer, O, 1);
    if (this.config.task === 'forecast') {
      return k.mse_loss(rows * O, workspace.outputs.pointer, workspace.targets.pointer, workspace.dOutputs.pointer);
    }
    return k.softmax_cross_entropy(rows, O, workspace.outputs.pointer, workspace.labels.pointer, workspace.dOutputs.pointer, workspace.correct.pointer);
  }

  /** The head's gradients, and ∂L/∂h_t of the top layer into the stack's `dTop`. */
  private headBackward(workspace: Workspace, batchSize: number): void {
    const k = this.memory.kernels;
    const H = layerOutputWidth(this.config.model);
    const { seqLength: T, outputSize: O } = this.config;
    const rows = this.rows(batchSize);
    const everyStep = readsEveryStep(this.config.task);
    const features = everyStep ? workspace.stack.top : workspace.stack.last;
    const dOutputs = workspace.dOutputs.pointer;
    k.gemm(H, O, rows, features, 1, H, dOutputs, O, this.headGradients.weightT.pointer, O, 0);
    k.column_sums(rows, O, dOutputs, this.headGradients.bias.pointer, 0);
    const { dTop, layers } = workspace.stack;
    const dFinal = layers[layers.length - 1].dFinal;
    // Every step's outputs feed the head, or only the final states.
    this.memory.floats(everyStep ? dFinal : dTop).fill(0, 0, (everyStep ? 1 : T) * batchSize * H);
    k.gemm(rows, H, O, dOutputs, O, 1, this.head.weight.pointer, H, everyStep ? dTop.pointer : dFinal.pointer, H, 0);
  }

  /** Inverted-dropout masks drawn in the reference engine's order, from the same generator. */
  private drawMasks(stack: KernelStack, batchSize: number): void {
    const rate = this.config.model.dropout;
    const size = this.config.seqLength * batchSize * layerOutputWidth(this.config.model);
    const keep = 1 / (1 - rate);
    for (const layer of stack.layers) {
      if (!layer.mask) continue;
      const mask = this.memory.floats(layer.mask);
      for (let i = 0; i < size; i++) mask[i] = this.dropoutRandom.next() < rate ? 0 : keep;
    }
  }

  private update(learningRate: number, scale: number): void {
    this.step += 1;
    const buffers = {
      count: this.params.length,
      params: this.params.pointer,
      gradients: this.gradients.pointer,
      state1: this.state1.pointer,
      state2: this.state2.pointer,
    };
    kernelUpdate(this.memory.kernels, this.config.training, buffers, this.step, learningRate, scale);
    this.refreshCopies();
  }

  /** The optimizer's state buffers by the suffix their state-dict names take (see `TrainingState`). */
  private optimizerBuffers(): [string, KernelBuffer][] {
    const { optimizer, momentum } = this.config.training;
    if (optimizer === 'adam' || optimizer === 'adamw')
      return [
        ['m', this.state1],
        ['v', this.state2],
      ];
    const buffers: [string, KernelBuffer][] = optimizer === 'rmsprop' ? [['square', this.state1]] : [];
    if (momentum > 0) buffers.push(['buffer', this.state2]);
    return buffers;
  }

  /** A block laid out like the parameters (parameters, gradients, optimizer state) as a state dict in PyTorch's layout. */
  private torchLayout(block: KernelBuffer): StateDict {
    const values = this.memory.floats(block);
    const result: StateDict = {};
    for (const slot of this.slots) {
      const data = values.slice(slot.offset, slot.offset + slot.length);
      result[slot.name] = { shape: slot.shape.slice(), data: isMatrix(slot.name) ? transposed(data, slot.shape[1], slot.shape[0]) : data };
    }
    return result;
  }

  /** Fills a block laid out like the parameters from PyTorch-layout entries, one per slot. */
  private setFromTorchLayout(block: KernelBuffer, entries: StateDict[string][]): void {
    const values = this.memory.floats(block);
    this.slots.forEach((slot, i) => {
      const data = entries[i].data;
      values.set(isMatrix(slot.name) ? transposed(data, slot.shape[0], slot.shape[1]) : data, slot.offset);
    });
  }

  /** The PyTorch-layout copies of the matrices that the backward pass reads. */
  private refreshCopies(): void {
    const k = this.memory.kernels;
    const { model } = this.config;
    const [H, P] = [model.hiddenSize, stateWidth(model)];
    const G = gateCount(model.cell) * H;
    this.weights.forEach((w, i) => {
      const copy = this.copies[i];
      k.transpose(w.wihT.length / G, G, w.wihT.pointer, copy.wih.pointer);
      k.transpose(P, G, w.whhT.pointer, copy.whh.pointer);
      if (w.whrT && copy.whr) k.transpose(H, P, w.whrT.pointer, copy.whr.pointer);
    });
    k.transpose(layerOutputWidth(model), this.config.outputSize, this.head.weightT.pointer, this.head.weight.pointer);
  }

  private batchMajorOutputs(workspace: Workspace, batchSize: number): Float32Array {
    const rows = this.rows(batchSize);
    const O = this.config.outputSize;
    if (!readsEveryStep(this.config.task)) {
      return this.memory.floats(workspace.outputs).slice(0, rows * O);
    }
    this.memory.kernels.swap_major(this.config.seqLength, batchSize, O, workspace.outputs.pointer, workspace.staging.pointer);
    return this.memory.floats(workspace.staging).slice(0, rows * O);
  }

  /** The reference engine holding this engine's current weights. */
  private synchronizedReference(): SequenceModel {
    this.reference ??= createTfjsEngine(this.config);
    this.reference.loadStateDict(this.stateDict());
    return this.reference;
  }
}

/** A [rows, cols] row-major matrix transposed. */
function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const result = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) result[c * rows + r] = data[r * cols + c];
  return result;
}
