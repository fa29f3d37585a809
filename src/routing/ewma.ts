/**
 * A time-weighted moving average: a sample's weight depends on how long ago the previous one came,
 * w = exp(-Δt/τ), so a target that answers often and one that answers rarely both track about the
 * last τ ms of behaviour. Each sample keeps at least MIN_WEIGHT, so samples arriving in the same
 * millisecond still move it (pure time weighting would ignore all but the first). A value older than `staleMs` reads as unknown, which lets a target that
 * was slow once (and so was never picked again) be tried afresh instead of being shunned forever.
 */
const MIN_WEIGHT = 0.05;

export class Ewma {
  private value: number | null = null;
  private at = 0;

  constructor(
    private readonly tauMs = 10_000,
    private readonly staleMs = 60_000,
  ) {}

  update(sample: number, now: number): void {
    if (this.value === null) this.value = sample;
    else {
      const w = Math.min(Math.exp(-Math.max(0, now - this.at) / this.tauMs), 1 - MIN_WEIGHT);
      this.value = this.value * w + sample * (1 - w);
    }
    this.at = now;
  }

  /** The average, or null when there is none or it is stale. */
  read(now: number): number | null {
    return this.value !== null && now - this.at <= this.staleMs ? this.value : null;
  }
}
