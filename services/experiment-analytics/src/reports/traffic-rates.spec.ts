import type { TrafficWindow } from '../queries/traffic-rate';
import { InvalidTrafficRequestError, TrafficRates } from './traffic-rates';

const NOW = new Date('2024-03-10T12:00:00.750Z');

function rates(counts = { units: 700, requests: 2100 }) {
  const windows: TrafficWindow[] = [];
  const traffic = new TrafficRates({
    count: async (window) => {
      windows.push(window);
      return counts;
    },
    now: () => NOW,
  });
  return { traffic, windows };
}

describe('TrafficRates', () => {
  it('divides the distinct counts over whole seconds of the last 7 days by 7 by default', async () => {
    const { traffic, windows } = rates();
    const rate = await traffic.rate({ model: 'breast-cancer', lookbackDays: 0 });
    expect(windows).toEqual([
      {
        model: 'breast-cancer',
        from: new Date('2024-03-03T12:00:00Z'),
        to: new Date('2024-03-10T12:00:00Z'),
      },
    ]);
    expect(rate).toMatchObject({
      lookbackDays: 7,
      units: 700,
      unitsPerDay: 100,
      requestsPerDay: 300,
    });
  });

  it('gives zeros, not NaN, for a model without traffic', async () => {
    const rate = await rates({ units: 0, requests: 0 }).traffic.rate({
      model: 'm',
      lookbackDays: 3,
    });
    expect(rate).toMatchObject({ units: 0, unitsPerDay: 0, requestsPerDay: 0 });
  });

  it.each([
    ['', 7, 'model: must not be empty'],
    ['Bad Name', 7, 'model: "Bad Name" is not a model name'],
    ['m', 32, 'lookback_days: must be 1 to 31 (0 for 7), got 32'],
  ])('rejects model %j, lookback %d, naming the field', async (model, lookbackDays, message) => {
    const { traffic, windows } = rates();
    const call = traffic.rate({ model, lookbackDays });
    await expect(call).rejects.toBeInstanceOf(InvalidTrafficRequestError);
    await expect(call).rejects.toThrow(message);
    expect(windows).toEqual([]);
  });
});
