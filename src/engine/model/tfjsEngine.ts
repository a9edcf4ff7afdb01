/**
 * The reference engine: the cells on tfjs ops with an explicit forward and backward
 * through time. Readable first; it is also the oracle for faster engines.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayerProbe } from '../events';
import { Random } from '../random';
import type { CellState, RecurrentCell } from './cells/cell';
import { createCell } from './cells';
import { headBackward, headForward, readsEveryStep, type HeadForward } from './head';
import { initialWeights, inputSize, parameterShapes } from './initialization';
import { crossEntropy, meanSquaredError, oneHot, type LossResult } from './losses';
import { clipScale, weightDecayOf } from './optimizerRules';
import { createOptimizer, type Optimizer } from './optimizers';
import { directionCount, layerOutputWidth, stateWidth } from './parameterLayout';
import { directionParams, disposeAll, fromStateDict, gradientMap, headParams, optimizerStateShapes, toStateDict, type ParameterMap } from './parameters';
import { scoped } from './scoped';
import { toTimeMajor } from './timeMajor';
import { finalStateGradients, stackBackward, stackForward, zeroStates, type StackBackward, type StackForward } from './recurrentStack';
import { inputGates, processingOrder, stepMasks, type LayerParams } from './recurrentLayer';
import type { Batch, EngineConfig, EvaluationResult, ProbeResult, SequenceModel, StateDict, StepResult, TrainingState } from './types';

interface Pass {
  stack: StackForward;
  head: HeadForward;
  loss: LossResult;
}

export function createTfjsEngine(config: EngineConfig): SequenceModel {
  return new TfjsEngine(config);
}

class TfjsEngine implements SequenceModel {
  readonly parameterCount: number;
  private readonly cell: RecurrentCell;
  private readonly shapes: Map<string, number[]>;
  private readonly optimizer: Optimizer;
  private readonly dropoutRandom: Random;
  private params: ParameterMap;

  constructor(private readonly config: EngineConfig) {
    this.cell = createCell(config.model);
    this.shapes = parameterShapes(config);
    this.parameterCount = [...this.shapes.values()].reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
    this.params = fromStateDict(initialWeights(config), this.shapes);
    this.optimizer = createOptimizer(config.training.optimizer, config.training.momentum, weightDecayOf(config.training));
    this.dropoutRandom = new Random(config.seed).fork(2);
  }

  trainStep(batch: Batch, learningRate: number): StepResult {
    const gradients: ParameterMap = new Map();
    let counted: number | undefined;
    const scalars = tf.tidy(() => {
      const pass = this.forward(batch, true);
      counted = this.config.task === 'forecast' ? undefined : pass.head.outputs.shape[0];
      const backward = this.backward(pass);
      for (const [name, gradient] of backward.gradients) {
        gradients.set(name, tf.keep(gradient));
      }
      const squares = [...gradients.values()].map((g) => tf.sum(tf.square(g)));
      const correct = pass.loss.correct ?? tf.scalar(Number.NaN);
      return tf.stack([pass.loss.loss, tf.sqrt(tf.addN(squares)), correct]);
    });
    const [loss, gradNorm, correct] = scalars.dataSync();
    scalars.dispose();
    if (Number.isFinite(loss) && Number.isFinite(gradNorm)) {
      const scale = clipScale(gradNorm, this.config.training.clipNorm);
      const updated = this.optimizer.update(this.params, gradients, learningRate, scale);
      disposeAll(this.params);
      this.params = updated;
    }
    disposeAll(gradients);
    return { loss, gradNorm, ...(counted === undefined ? {} : { correct, counted }) };
  }

  evaluate(batch: Batch): EvaluationResult {
    return scoped(() => {
      const pass = this.forward(batch, false);
      const counted = this.config.task === 'forecast' ? undefined : pass.head.outputs.shape[0];
      return {
        loss: pass.loss.loss.dataSync()[0],
        correct: pass.loss.correct?.dataSync()[0],
        counted,
        outputs: this.batchMajorOutputs(pass.head.outputs, batch.size),
      };
    });
  }

  probe(batch: Batch, steps?: number[]): ProbeResult {
    return scoped(() => {
      const pass = this.forward(batch, false);
      const backward = this.backward(pass);
      const kept = <T>(perStep: T[]): T[] => (steps === undefined ? perStep : steps.map((t) => perStep[t]));
      const count = pass.stack.directionCount;
      const layers: LayerProbe[] = pass.stack.directions.map((direction, index) => {
        const order = processingOrder(direction.records.length, direction.reverse);
        const quantities: LayerProbe['quantities'] = {};
        for (const quantity of this.cell.description.quantities) {
          // In time order, 0 at padded steps.
          const byTime: tf.Tensor2D[] = new Array(order.length);
          order.forEach((t, i) => {
            const value = direction.records[i].quantities[quantity] as tf.Tensor2D;
            byTime[t] = direction.masks ? tf.mul(value, direction.masks[t]) : value;
          });
          // [T, B, H] → [B, H, T]: sample, unit, time.
          quantities[quantity] = tf.transpose(tf.stack(kept(byTime)), [1, 2, 0]).arraySync() as number[][][];
        }
        return { layer: Math.floor(index / count), ...(direction.reverse ? { direction: 'reverse' as const } : {}), quantities };
      });
      const gradientNorms = backward.stack.dHidden.map((perStep) => Array.from(tf.stack(kept(perStep).map((d) => tf.norm(d))).dataSync()));
      const lengths = batch.lengths ? { lengths: Array.from(batch.lengths) } : {};
      return { layers, gradientNorms, outputs: this.batchMajorOutputs(pass.head.outputs, batch.size), ...lengths };
    });
  }

  generate(prime: number[], length: number, temperature: number, vocabulary: string[], seed: number) {
    const random = new Random(seed);
    const feed = this.config.model.bidirectional ? this.prefixFeeder() : this.incrementalFeeder();
    const activations: number[][] = Array.from({ length: layerOutputWidth(this.config.model) }, () => []);
    let text = '';
    let output: FedToken = { logits: new Float32Array(0), top: new Float32Array(0) };
    for (const token of prime) {
      output = feed.next(token);
    }
    for (let i = 0; i < length; i++) {
      const token = sampleToken(output.logits, temperature, random);
      text += vocabulary[token] ?? '';
      output = feed.next(token);
      output.top.forEach((value, unit) => activations[unit].push(value));
    }
    feed.dispose();
    return { temperature, text, activations };
  }

  /** A unidirectional model: each token advances the kept states by one step. */
  private incrementalFeeder(): TokenFeeder {
    let states = this.initialStates(1);
    return {
      next: (token) =>
        scoped(() => {
          let x = this.encodeTokens(Int32Array.of(token), 1);
          const previous = states;
          states = this.layers().map((params, k) => {
            const record = this.cell.step(inputGates(x, params), previous[k], params);
            x = record.state.h;
            return { h: tf.keep(record.state.h), c: record.state.c && tf.keep(record.state.c) };
          });
          disposeStates(previous);
          return this.headReading(x);
        }),
      dispose: () => disposeStates(states),
    };
  }

  /** A bidirectional model: the reverse direction needs the future, so every token recomputes the whole prefix. */
  private prefixFeeder(): TokenFeeder {
    const prefix: number[] = [];
    return {
      next: (token) =>
        scoped(() => {
          prefix.push(token);
          const input = this.encodeTokens(Int32Array.from(prefix), prefix.length);
          const stack = stackForward(this.cell, this.layers(), input, 1, this.initialStates(1), { directions: directionCount(this.config.model) });
          return this.headReading(tf.slice(stack.top, [prefix.length - 1, 0], [1, -1]));
        }),
      dispose: () => undefined,
    };
  }

  /** The next token's logits from the top layer's output at the newest step, [1, D*P]. */
  private headReading(top: tf.Tensor2D): FedToken {
    const head = headParams(this.params);
    const logits = tf.add(tf.matMul(top, head.weightT), head.bias);
    return { logits: logits.dataSync() as Float32Array, top: top.dataSync() as Float32Array };
  }

  stateDict(): StateDict {
    return toStateDict(this.params);
  }

  /** Every tensor of the backend: this engine's parameters and optimizer state, when it is the only model. */
  memoryBytes(): number {
    return tf.memory().numBytes;
  }

  loadStateDict(weights: StateDict): void {
    const loaded = fromStateDict(weights, this.shapes, this.stateDict());
    disposeAll(this.params);
    this.params = loaded;
  }

  trainingState(): TrainingState {
    const { step, state } = this.optimizer.snapshot();
    return { optimizerStep: step, optimizer: toStateDict(state), dropoutRandom: this.dropoutRandom.saveState() };
  }

  loadTrainingState(state: TrainingState): void {
    this.optimizer.restore(state.optimizerStep, fromStateDict(state.optimizer, optimizerStateShapes(state.optimizer, this.shapes)));
    this.dropoutRandom.restoreState(state.dropoutRandom);
  }

  dispose(): void {
    disposeAll(this.params);
    this.optimizer.dispose();
  }

  private get layerCount(): number {
    return this.config.model.layers;
  }

  /** Every direction's parameters, flat (l0, l0_reverse, l1, …). */
  private layers(): LayerParams[] {
    return directionParams(this.params, this.config.model);
  }

  private initialStates(batch: number): CellState[] {
    const { model } = this.config;
    return zeroStates(this.cell, model.layers * directionCount(model), batch, { state: stateWidth(model), hidden: model.hiddenSize });
  }

  private forward(batch: Batch, training: boolean): Pass {
    const { seqLength, model } = this.config;
    const input = this.inputTensor(batch);
    const dropout = training ? this.dropoutMasks(seqLength * batch.size) : [];
    const masks = batch.lengths ? stepMasks(batch.lengths, seqLength) : undefined;
    const stack = stackForward(this.cell, this.layers(), input, batch.size, this.initialStates(batch.size), {
      directions: directionCount(model),
      dropout,
      stepMasks: masks,
    });
    const head = headForward(this.config.task, headParams(this.params), stack);
    return { stack, head, loss: this.loss(head.outputs, batch) };
  }

  private backward(pass: Pass): { gradients: ParameterMap; stack: StackBackward } {
    const head = headParams(this.params);
    const headGradients = headBackward(this.config.task, head, pass.head, pass.loss.dOutputs, this.config.seqLength);
    const dFinal = headGradients.dLast && finalStateGradients(pass.stack, headGradients.dLast);
    const stack = stackBackward(this.cell, this.layers(), pass.stack, headGradients.dTop, { needInputGradient: false, dFinal });
    return { gradients: gradientMap(this.config.model, stack.gradients, headGradients.gradients), stack };
  }

  private loss(outputs: tf.Tensor2D, batch: Batch): LossResult {
    if (this.config.task === 'forecast') {
      return meanSquaredError(outputs, tf.tensor2d(batch.targets as Float32Array, [batch.size, this.config.outputSize]));
    }
    const labels = batch.labels as Int32Array;
    const timeMajor = readsEveryStep(this.config.task) ? toTimeMajor(labels, batch.size, this.config.seqLength, new Int32Array(labels.length)) : labels;
    return crossEntropy(outputs, tf.tensor1d(timeMajor, 'int32'));
  }

  /** Inputs as time-major rows [T*B, in]: dense features, or tokens one-hot encoded. */
  private inputTensor(batch: Batch): tf.Tensor2D {
    const { seqLength } = this.config;
    if (this.config.input.kind === 'tokens') {
      return this.encodeTokens(toTimeMajor(batch.inputs as Int32Array, batch.size, seqLength, new Int32Array(batch.inputs.length)), seqLength * batch.size);
    }
    const size = this.config.input.size;
    const batchMajor = tf.tensor3d(batch.inputs as Float32Array, [batch.size, seqLength, size]);
    return tf.reshape(tf.transpose(batchMajor, [1, 0, 2]), [seqLength * batch.size, size]);
  }

  private encodeTokens(tokens: Int32Array, rows: number): tf.Tensor2D {
    return tf.reshape(oneHot(tf.tensor1d(tokens, 'int32'), inputSize(this.config)), [rows, -1]);
  }

  /** Inverted dropout on the outputs of every layer but the last. */
  private dropoutMasks(rows: number): (tf.Tensor2D | undefined)[] {
    const rate = this.config.model.dropout;
    if (rate <= 0 || this.layerCount < 2) {
      return [];
    }
    const hidden = layerOutputWidth(this.config.model);
    return Array.from({ length: this.layerCount - 1 }, () => {
      const mask = new Float32Array(rows * hidden);
      for (let i = 0; i < mask.length; i++) {
        mask[i] = this.dropoutRandom.next() < rate ? 0 : 1 / (1 - rate);
      }
      return tf.tensor2d(mask, [rows, hidden]);
    });
  }

  /** Head outputs in batch-major order: token tasks come out time-major. */
  private batchMajorOutputs(outputs: tf.Tensor2D, batchSize: number): Float32Array {
    if (!readsEveryStep(this.config.task)) {
      return outputs.dataSync() as Float32Array;
    }
    const classes = outputs.shape[1];
    return tf.transpose(tf.reshape(outputs, [this.config.seqLength, batchSize, classes]), [1, 0, 2]).dataSync() as Float32Array;
  }
}

interface FedToken {
  logits: Float32Array;
  top: Float32Array;
}

/** Feeds one token after another to a language model; `dispose` frees what it keeps. */
interface TokenFeeder {
  next(token: number): FedToken;
  dispose(): void;
}

/** Samples from softmax(logits / temperature). */
function sampleToken(logits: Float32Array, temperature: number, random: Random): number {
  let max = -Infinity;
  logits.forEach((value) => (max = Math.max(max, value)));
  const weights = Array.from(logits, (value) => Math.exp((value - max) / temperature));
  let threshold = random.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    threshold -= weights[i];
    if (threshold <= 0) {
      return i;
    }
  }
  return weights.length - 1;
}

function disposeStates(states: CellState[]): void {
  for (const state of states) {
    state.h.dispose();
    state.c?.dispose();
  }
}
