/**
 * Our engines, trained through `SequenceModel.trainStep`: the WebAssembly kernels (`ours`)
 * and the tfjs-ops reference engine they replace (`reference`).
 */
import { createKernelEngine } from '../../src/engine/kernels/kernelEngine';
import type { EngineConfig, Batch, SequenceModel } from '../../src/engine/model/types';
import { createTfjsEngine } from '../../src/engine/model/tfjsEngine';
import type { CellType } from '../../src/engine/spec/types';
import { timeSteps, type Implementation, type Trainer } from './method';
import { LEARNING_RATE, type Workload, type WorkloadBatch } from './workloads';

const SEED = 1;

function engineConfig(workload: Workload, cell: CellType): EngineConfig {
  return {
    model: {
      cell,
      hiddenSize: workload.hiddenSize,
      layers: 1,
      nonlinearity: 'tanh',
      dropout: 0,
      init: 'default',
      bidirectional: workload.variant?.bidirectional ?? false,
      projSize: 0,
      bias: true,
    },
    training: {
      epochs: 1,
      batchSize: workload.batchSize,
      optimizer: 'adam',
      learningRate: LEARNING_RATE,
      momentum: 0,
      // The references do not clip either.
      clipNorm: 0,
      seed: SEED,
      earlyStopping: null,
      weightDecay: 0,
      schedule: null,
    },
    input: workload.task === 'tokens' ? { kind: 'tokens', vocabularySize: workload.inputSize } : { kind: 'dense', size: workload.inputSize },
    task: workload.task,
    seqLength: workload.seqLength,
    outputSize: workload.outputSize,
    seed: SEED,
  };
}

function engineBatch(workload: Workload, batch: WorkloadBatch): Batch {
  return batch.task === 'tokens'
    ? { size: workload.batchSize, inputs: batch.inputs, labels: batch.labels }
    : { size: workload.batchSize, inputs: batch.inputs, targets: batch.targets, ...(batch.lengths ? { lengths: batch.lengths } : {}) };
}

function engineImplementation(id: string, label: string, create: (config: EngineConfig) => SequenceModel): Implementation {
  return {
    id,
    label,
    usesTfjs: true,
    async setup(workload, cell, batch): Promise<Trainer> {
      const model = create(engineConfig(workload, cell));
      const input = engineBatch(workload, batch);
      let loss = NaN;
      const step = () => {
        loss = model.trainStep(input, LEARNING_RATE).loss;
      };
      return {
        run: (seconds, minSteps) => timeSteps(step, seconds, minSteps),
        lastLoss: () => loss,
        memoryBytes: () => model.memoryBytes(),
        async dispose() {
          model.dispose();
        },
      };
    },
  };
}

/** The kernels with `threads` threads for their large products. */
export function oursImplementation(threads: number): Implementation {
  return engineImplementation('ours', 'ours (kernels)', (config) => createKernelEngine({ ...config, threads }));
}

export const referenceImplementation = engineImplementation('reference', 'reference (tfjs ops)', createTfjsEngine);
