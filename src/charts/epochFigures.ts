/**
 * Where a figure of the Predictions view comes from, in words: its epoch, whether that epoch is the
 * best or the last, and the accuracy sentence that agrees with the run list (the whole validation
 * split's accuracy, the best epoch's beside it when it is another one).
 */
import type { EpochEvent } from '../engine/events';
import { formatPercent } from '../engine/format';

type EpochFigures = Pick<EpochEvent, 'epoch' | 'validationLoss' | 'validationAccuracy'>;

/** The epoch with the best validation figure: the highest accuracy where the run has one, else the lowest loss. */
export function bestEpoch(epochs: readonly EpochFigures[]): number | undefined {
  const byAccuracy = epochs.some((e) => e.validationAccuracy !== undefined);
  const score = (e: EpochFigures) => (byAccuracy ? (e.validationAccuracy ?? -Infinity) : -e.validationLoss);
  return epochs.reduce<EpochFigures | undefined>((best, e) => (!best || score(e) > score(best) ? e : best), undefined)?.epoch;
}

/** "epoch 9 (last)", "epoch 6 (best)", "epoch 8 (best and last)" or "epoch 4". */
export function epochCaption(epochs: readonly EpochFigures[], epoch: number): string {
  const best = bestEpoch(epochs);
  const last = epochs.at(-1)?.epoch;
  const tag = epoch === best && epoch === last ? 'best and last' : epoch === best ? 'best' : epoch === last ? 'last' : undefined;
  return tag ? `epoch ${epoch} (${tag})` : `epoch ${epoch}`;
}

/**
 * "Validation accuracy 56.0% at epoch 9 (last); best 62.0% at epoch 6." for a classifier (its
 * probe's accuracy, `probeAccuracy`), "Next-token validation accuracy …" for a token task (the
 * epoch's recorded accuracy: a probe holds only a few samples).
 */
export function accuracySentence(kind: 'classify' | 'tokens', epochs: readonly EpochFigures[], epoch: number, probeAccuracy?: number): string {
  const accuracy = kind === 'classify' ? probeAccuracy : epochs.find((e) => e.epoch === epoch)?.validationAccuracy;
  const what = kind === 'classify' ? 'Validation accuracy' : 'Next-token validation accuracy';
  const best = epochs.find((e) => e.epoch === bestEpoch(epochs));
  const bestNote =
    best && best.epoch !== epoch && best.validationAccuracy !== undefined ? `; best ${formatPercent(best.validationAccuracy)} at epoch ${best.epoch}` : '';
  return `${what} ${formatPercent(accuracy)} at ${epochCaption(epochs, epoch)}${bestNote}.`;
}
