import { jensenShannonFromCounts } from './jensen-shannon.js';

describe('Jensen–Shannon distance (base 2)', () => {
  it('is 0 for equal proportions and 1 for disjoint supports', () => {
    expect(jensenShannonFromCounts({ reference: [1, 2, 3], current: [2, 4, 6] })).toEqual({
      status: 'ok',
      distance: 0,
    });
    expect(jensenShannonFromCounts({ reference: [5, 0, 0], current: [0, 3, 4] })).toEqual({
      status: 'ok',
      distance: 1,
    });
  });

  it('is symmetric and follows the definition with log base 2', () => {
    const forward = jensenShannonFromCounts({ reference: [1, 3], current: [3, 1] });
    const backward = jensenShannonFromCounts({ reference: [3, 1], current: [1, 3] });
    // p = (1/4, 3/4), q = (3/4, 1/4), m = (1/2, 1/2): KL(p‖m) = KL(q‖m) = 1 - H(1/4) bits.
    const entropy = -(0.25 * Math.log2(0.25) + 0.75 * Math.log2(0.75));
    expect(forward).toEqual(backward);
    expect(forward.status === 'ok' && forward.distance).toBeCloseTo(Math.sqrt(1 - entropy), 14);
  });
});
