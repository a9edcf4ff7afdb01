import type { ModelSpec } from '../../spec/types';
import type { RecurrentCell } from './cell';
import { GruCell } from './gruCell';
import { LstmCell } from './lstmCell';
import { RnnCell } from './rnnCell';

export function createCell(model: Pick<ModelSpec, 'cell' | 'nonlinearity'>): RecurrentCell {
  switch (model.cell) {
    case 'rnn':
      return new RnnCell(model.nonlinearity);
    case 'lstm':
      return new LstmCell();
    case 'gru':
      return new GruCell();
  }
}
