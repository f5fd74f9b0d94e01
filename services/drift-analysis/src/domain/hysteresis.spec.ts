import { HysteresisTracker } from './hysteresis';

describe('HysteresisTracker', () => {
  it('alerts after two drifted windows in a row and clears after two clean ones', () => {
    const t = new HysteresisTracker({ alertAfter: 2, clearAfter: 2 });
    expect(t.observe('f', 'drift')).toEqual({ subject: 'f', from: 'ok', to: 'warning' });
    expect(t.observe('f', 'drift')).toEqual({ subject: 'f', from: 'warning', to: 'alert' });
    expect(t.observe('f', 'ok')).toBeUndefined();
    expect(t.observe('f', 'drift')).toBeUndefined();
    expect(t.observe('f', 'ok')).toBeUndefined();
    expect(t.observe('f', 'insufficient_data')).toBeUndefined();
    expect(t.observe('f', 'ok')).toEqual({ subject: 'f', from: 'alert', to: 'ok' });
  });

  it('drops a single blip back to ok and reports the worst subject', () => {
    const t = new HysteresisTracker({ alertAfter: 2, clearAfter: 2 });
    t.observe('a', 'drift');
    t.observe('b', 'ok');
    expect(t.overall()).toBe('warning');
    expect(t.observe('a', 'ok')).toEqual({ subject: 'a', from: 'warning', to: 'ok' });
    expect(t.overall()).toBe('ok');
  });
});
