/**
 * What the doctor knows of a run: the signals it already emits (step losses and gradient
 * norms before clipping, epoch losses and accuracies, the baseline, the end), and each probe
 * boiled down on arrival to the few figures the rules read (gradient decay over time, gate
 * saturation, dead ReLU units), so that nothing large is kept.
 */
import type { EndEvent, EpochEvent, ProbeEvent, StartEvent, TrainEvent } from '../events';
import type { ExperimentSpec } from '../spec/types';

/** ‖∂L/∂h_t‖ of one layer over time, from one probe. */
export interface GradientFlow {
  layer: number;
  /** Per time step, first to last. */
  norms: number[];
  /** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖; 0 when the first has vanished below float32. */
  ratio: number;
}

export interface Saturation {
  /** Fraction of the gate values (and tanh pre-activations) whose pre-activation has |x| ≥ 5. */
  fraction: number;
  /** The quantities counted, e.g. `i, f, o, g`. */
  quantities: string;
  values: number;
}

export interface DeadUnits {
  dead: number;
  units: number;
}

export interface ProbeFigures {
  epoch: number;
  /** The layer whose gradient decays the most; absent when no gradient reached the last step. */
  gradient?: GradientFlow;
  saturation?: Saturation;
  /** ReLU units that are 0 at every probed sample and step (vanilla RNN with ReLU only). */
  deadUnits?: DeadUnits;
}

/** |x| ≥ 5 for a pre-activation x (DeepDiagnosis's saturation threshold), seen from the activation's side. */
const SATURATED_PRE_ACTIVATION = 5;
const SIGMOID_LOW = 1 / (1 + Math.exp(SATURATED_PRE_ACTIVATION));
const SIGMOID_HIGH = 1 - SIGMOID_LOW;
const TANH_HIGH = Math.tanh(SATURATED_PRE_ACTIVATION);

/** The quantities that are an activation of one pre-activation, by cell: sigmoid gates and tanh ones. */
function activationQuantities(spec: ExperimentSpec): { sigmoid: string[]; tanh: string[] } {
  switch (spec.model.cell) {
    case 'lstm':
      return { sigmoid: ['i', 'f', 'o'], tanh: ['g'] };
    case 'gru':
      return { sigmoid: ['r', 'z'], tanh: ['n'] };
    case 'rnn':
      return { sigmoid: [], tanh: spec.model.nonlinearity === 'tanh' ? ['h'] : [] };
  }
}

export class RunSignals {
  start?: StartEvent;
  readonly stepLosses: number[] = [];
  readonly gradNorms: number[] = [];
  /** Each step's learning rate, as a schedule set it. */
  readonly stepRates: number[] = [];
  readonly epochs: EpochEvent[] = [];
  readonly probes: ProbeFigures[] = [];
  end?: EndEvent;

  constructor(readonly spec: ExperimentSpec) {}

  observe(event: TrainEvent): void {
    switch (event.type) {
      case 'start':
        this.start = event;
        break;
      case 'step':
        this.stepLosses.push(event.loss);
        this.gradNorms.push(event.gradNorm);
        this.stepRates.push(event.learningRate);
        break;
      case 'epoch':
        this.epochs.push(event);
        break;
      case 'probe':
        this.probes.push(this.probeFigures(event));
        break;
      case 'end':
        this.end = event;
        break;
      case 'log':
      case 'finding':
        break;
    }
  }

  get baseline(): number | undefined {
    return this.start?.baseline.loss ?? this.epochs[0]?.baselineLoss;
  }

  /** The learning rate of the last step (the spec's before any step). */
  get lastRate(): number {
    return this.stepRates.at(-1) ?? this.spec.training.learningRate;
  }

  get lastEpoch(): number {
    return this.epochs.at(-1)?.epoch ?? 0;
  }

  get plannedEpochs(): number {
    return this.start?.epochs ?? this.spec.training.epochs;
  }

  get bestValidation(): { loss: number; epoch: number } | undefined {
    let best: { loss: number; epoch: number } | undefined;
    for (const e of this.epochs) {
      if (Number.isFinite(e.validationLoss) && (best === undefined || e.validationLoss < best.loss)) {
        best = { loss: e.validationLoss, epoch: e.epoch };
      }
    }
    return best;
  }

  private probeFigures(event: ProbeEvent): ProbeFigures {
    const { sigmoid, tanh } = activationQuantities(this.spec);
    let saturated = 0;
    let counted = 0;
    let dead = 0;
    let units = 0;
    const relu = this.spec.model.cell === 'rnn' && this.spec.model.nonlinearity === 'relu';
    for (const layer of event.layers) {
      for (const [quantity, samples] of Object.entries(layer.quantities)) {
        const isSigmoid = sigmoid.includes(quantity);
        if (!isSigmoid && !tanh.includes(quantity)) continue;
        for (const sample of samples ?? []) {
          for (const unit of sample) {
            for (const v of unit) {
              counted += 1;
              if (isSigmoid ? v <= SIGMOID_LOW || v >= SIGMOID_HIGH : Math.abs(v) >= TANH_HIGH) saturated += 1;
            }
          }
        }
      }
      const h = layer.quantities.h;
      if (relu && h && h.length > 0) {
        for (let unit = 0; unit < h[0].length; unit++) {
          units += 1;
          if (h.every((sample) => sample[unit].every((v) => v <= 0))) dead += 1;
        }
      }
    }
    return {
      epoch: event.epoch,
      gradient: steepestDecay(event.gradientNorms),
      saturation: counted > 0 ? { fraction: saturated / counted, quantities: [...sigmoid, ...tanh].join(', '), values: counted } : undefined,
      deadUnits: relu && units > 0 ? { dead, units } : undefined,
    };
  }
}

/** The layer whose ‖∂L/∂h_t‖ falls the most from the last step to the first. */
function steepestDecay(gradientNorms: number[][]): GradientFlow | undefined {
  let steepest: GradientFlow | undefined;
  gradientNorms.forEach((norms, layer) => {
    const last = norms.at(-1);
    if (norms.length < 2 || last === undefined || !(last > 0) || !Number.isFinite(norms[0])) return;
    const ratio = norms[0] / last;
    if (steepest === undefined || ratio < steepest.ratio) steepest = { layer, norms, ratio };
  });
  return steepest;
}
