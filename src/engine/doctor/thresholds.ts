/**
 * The doctor's thresholds in one place, each with where it comes from. They were set on the
 * labelled suite in `test/doctor/` and are checked by its precision and recall test.
 */
export const THRESHOLDS = {
  /** A loss this many times its start and the baseline (both) has diverged. AUTOTRAINER stops at a loss ≥ 1e5; ours is relative. */
  divergedFactor: 10,
  /** A step's gradient norm this many times the run's median is a spike. */
  explodingSpikeFactor: 20,
  /** At least this many steps before the median means anything. */
  explodingMinSteps: 20,
  /** ‖∂L/∂h_1‖/‖∂L/∂h_T‖ below this is vanishing (AUTOTRAINER: 1e-3 between layers; a forecast decays 1e-4 over 40 steps and learns). */
  vanishingRatio: 1e-6,
  /** … judged live from this many epochs on (a forecast that learns is still at its baseline after its first), else at the run's end. */
  vanishingMinEpochs: 3,
  /**
   * … on the median ratio of the last this many probes: one probe's samples and weights can swing
   * an RNN's ratio by seven orders of magnitude from one epoch to the next (measured: 4e-11 … 9e-4).
   */
  vanishingProbes: 3,
  /** Validation "clearly below the baseline" is below this fraction of it. */
  clearlyBelowBaseline: 0.9,
  /** The best validation loss above this fraction of the baseline is no better than it ("within a few percent"). */
  noBetterThanBaseline: 0.97,
  /** Validation above its best for this many epochs while the train loss falls is overfitting. */
  overfittingEpochs: 3,
  /** … and by at least this fraction of the best. */
  overfittingRise: 0.05,
  /** The train loss rising in at least this share of epochs oscillates (AUTOTRAINER: swings in ≥ 20% of epochs)… */
  oscillationShare: 0.4,
  /** … judged over at least this many epochs. */
  oscillationMinEpochs: 4,
  /** The train loss moving by less than this fraction of its first epoch's over the run barely moves. */
  barelyMoves: 0.01,
  /** More than this share of gate values with |pre-activation| ≥ 5 is saturated (DeepDiagnosis: 50%). */
  saturatedShare: 0.5,
  /** At least this share of ReLU units dead (AUTOTRAINER and DeepDiagnosis: 70%). */
  deadShare: 0.5,
} as const;
