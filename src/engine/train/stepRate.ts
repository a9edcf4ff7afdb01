/** Training speed in steps per second over a sliding window of recent steps. */
export class StepRate {
  private readonly times: number[] = [];

  constructor(private readonly window = 20) {}

  /** Records one finished step and returns the current rate. */
  tick(now = performance.now()): number {
    this.times.push(now);
    if (this.times.length > this.window + 1) {
      this.times.shift();
    }
    const span = now - this.times[0];
    return span > 0 ? ((this.times.length - 1) * 1000) / span : 0;
  }
}
