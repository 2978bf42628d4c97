import React from 'react';
import { render, screen } from '@testing-library/react';
import Models from './Models';
import { forecastModels } from '../api/sidecarClient';
import { testIds } from '../components/testIds';

jest.mock('../api/sidecarClient', () => ({ forecastModels: jest.fn() }));
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  PluginPage: ({ children }: { children: React.ReactNode }) => <div>{children}</div>,
}));

describe('Models page', () => {
  it('lists each model with its state and card metrics', async () => {
    jest.mocked(forecastModels).mockResolvedValue({
      models: [
        { name: 'lstm', file: 'a.onnx', version: '1.0.0', state: 'loaded', card: { parameters: 679340, validation: { nab: { windows: 1, pinball: 0.4, mae: 1, coverage80: 0.8 } } } },
        { name: 'tft_lite', file: 'b.onnx', state: 'missing', error: 'model file b.onnx is missing' },
      ],
      statistical: ['naive', 'seasonal_naive'],
      warnings: ['tft_lite: model file b.onnx is missing; falling back to statistical models'],
    });
    render(<Models />);
    expect(await screen.findByTestId(testIds.models.table)).toHaveTextContent('lstm');
    expect(screen.getByTestId(testIds.models.table)).toHaveTextContent('file missing: model file b.onnx is missing');
    expect(screen.getByTestId(testIds.models.summary)).toHaveTextContent('1 of 2 deep models loaded');
    expect(screen.getByText(/naive, seasonal_naive/)).toBeInTheDocument();
  });

  it('shows the error when the sidecar cannot be reached', async () => {
    jest.mocked(forecastModels).mockRejectedValue(new Error('Bad Gateway'));
    render(<Models />);
    expect(await screen.findByText('Could not load the models from the sidecar')).toBeInTheDocument();
  });
});
