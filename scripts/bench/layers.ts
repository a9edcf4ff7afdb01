/**
 * The tf.layers reference: the same network built from tf.layers on the same tfjs-core and
 * backend, trained with `model.trainOnBatch` (which reads the loss back). Imported through the
 * `@tensorflow/tfjs` package, as its users do: that also registers the chained tensor methods
 * (`x.flatten()`, …) that tf.layers' default orthogonal initializer calls.
 * Token inputs are fed one-hot as floats; the char LM's head is a softmax dense layer on the
 * 3-D sequence output with categorical cross-entropy.
 */
import * as tf from '@tensorflow/tfjs';
import type { CellType } from '../../src/engine/spec/types';
import { timeSteps, type Implementation, type Trainer } from './method';
import { LEARNING_RATE, type Workload, type WorkloadBatch } from './workloads';

interface RecurrentArgs {
  units: number;
  inputShape: number[];
  returnSequences: boolean;
}

function recurrentLayer(cell: CellType, args: RecurrentArgs): tf.layers.Layer {
  switch (cell) {
    case 'rnn':
      return tf.layers.simpleRNN(args);
    case 'lstm':
      return tf.layers.lstm(args);
    case 'gru':
      return tf.layers.gru(args);
  }
}

function buildModel(workload: Workload, cell: CellType): tf.Sequential {
  const tokens = workload.task === 'tokens';
  const model = tf.sequential();
  model.add(
    recurrentLayer(cell, {
      units: workload.hiddenSize,
      inputShape: [workload.seqLength, workload.inputSize],
      returnSequences: tokens,
    }),
  );
  model.add(tf.layers.dense({ units: workload.outputSize, activation: tokens ? 'softmax' : 'linear' }));
  return model;
}

/** The batch as the model's x and y tensors. */
function toTensors(workload: Workload, batch: WorkloadBatch): { x: tf.Tensor; y: tf.Tensor } {
  const { batchSize: b, seqLength: t } = workload;
  return tf.tidy(() => {
    if (batch.task === 'tokens') {
      const oneHot = (ids: Int32Array) => tf.cast(tf.oneHot(tf.tensor2d(ids, [b, t], 'int32'), workload.outputSize), 'float32');
      return { x: oneHot(batch.inputs), y: oneHot(batch.labels) };
    }
    return {
      x: tf.tensor3d(batch.inputs, [b, t, workload.inputSize]),
      y: tf.tensor2d(batch.targets, [b, workload.outputSize]),
    };
  });
}

export const layersImplementation: Implementation = {
  id: 'layers',
  label: 'tf.layers',
  usesTfjs: true,
  async setup(workload, cell, batch): Promise<Trainer> {
    const model = buildModel(workload, cell);
    const optimizer = tf.train.adam(LEARNING_RATE);
    model.compile({ optimizer, loss: workload.task === 'tokens' ? 'categoricalCrossentropy' : 'meanSquaredError' });
    const { x, y } = toTensors(workload, batch);
    let loss = NaN;
    const step = async () => {
      loss = (await model.trainOnBatch(x, y)) as number;
    };
    return {
      run: (seconds, minSteps) => timeSteps(step, seconds, minSteps),
      lastLoss: () => loss,
      async dispose() {
        tf.dispose([x, y]);
        model.dispose();
        // compile() was given the optimizer, so the model does not own (nor dispose) it.
        optimizer.dispose();
      },
    };
  },
};
