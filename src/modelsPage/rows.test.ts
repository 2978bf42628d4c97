import { modelRow, modelsSummary } from './rows';
import type { ForecastModelStatus } from '../api/types';

const lstm: ForecastModelStatus = {
  name: 'lstm',
  file: '/m/forecast/aidpe-lstm-v1.onnx',
  version: '1.0.0',
  state: 'loaded',
  card: {
    parameters: 679340,
    trainedAt: '2026-11-23T12:18:23Z',
    sha256: '1596bef5ad1f39f86d2b1b5939c5597ad3d691ec3a42332a6059785423894e24',
    validation: {
      nab: { windows: 132, pinball: 0.4268, mae: 1.07, coverage80: 0.81 },
      azure: { windows: 132, pinball: 0.4928, mae: 1.13, coverage80: 0.77 },
    },
  },
};

describe('modelRow', () => {
  it('formats the card for the table', () => {
    const row = modelRow(lstm);
    expect(row).toMatchObject({
      name: 'lstm',
      version: '1.0.0',
      stateText: 'loaded',
      parameters: '679 k',
      trainedAt: '2026-11-23 12:18:23 UTC',
      checksum: '1596bef5ad1f…',
      pinball: 'nab 0.427 · azure 0.493',
      coverage80: '79.0%',
    });
  });

  it('says why a model did not load and tolerates a missing card', () => {
    const row = modelRow({
      name: 'tft_lite',
      file: 'x.onnx',
      state: 'checksum_mismatch',
      error: 'sha256 abc… does not match',
    });
    expect(row.stateText).toBe('checksum does not match its card: sha256 abc… does not match');
    expect(row.parameters).toBe('—');
    expect(row.pinball).toBe('—');
    expect(row.coverage80).toBe('—');
  });
});

describe('modelsSummary', () => {
  it('warns when a model is missing or none are installed', () => {
    expect(modelsSummary({ models: [lstm], statistical: ['naive'], warnings: [] }).severity).toBe('success');
    expect(
      modelsSummary({
        models: [lstm, { ...lstm, name: 'tft_lite', state: 'missing' }],
        statistical: ['naive'],
        warnings: [],
      })
    ).toEqual({
      severity: 'warning',
      text: '1 of 2 deep models loaded; forecasts fall back to the statistical models for the rest.',
    });
    expect(modelsSummary({ models: [], statistical: ['a', 'b'], warnings: [] }).text).toMatch(
      /2 statistical models only/
    );
  });
});
