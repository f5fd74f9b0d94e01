import { MERGE_AT_EXTRA_SHARE, exposuresNeedMerge } from './exposures';

describe('exposuresNeedMerge', () => {
  it('leaves an experiment in one part or none alone', () => {
    expect(exposuresNeedMerge([])).toBe(false);
    expect(exposuresNeedMerge([1_000_000])).toBe(false);
  });

  it('merges once the rows beyond the largest part reach a quarter of it', () => {
    expect(MERGE_AT_EXTRA_SHARE).toBe(0.25);
    expect(exposuresNeedMerge([1_000_000, 249_999])).toBe(false);
    expect(exposuresNeedMerge([1_000_000, 250_000])).toBe(true);
    // Many small parts count together, whatever their order.
    expect(exposuresNeedMerge([100_000, 1_000_000, 100_000])).toBe(false);
    expect(exposuresNeedMerge([100_000, 100_000, 1_000_000, 100_000])).toBe(true);
  });

  it('merges parts of similar size (a bulk load)', () => {
    expect(exposuresNeedMerge([230, 230])).toBe(true);
    expect(exposuresNeedMerge([1, 1, 1, 1])).toBe(true);
  });
});
