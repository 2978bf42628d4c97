import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { testIds } from '../../../components/testIds';
import type { SidecarDataSource } from '../datasource';
import type { SidecarQuery } from '../../../domain/query/types';
import { QueryEditor } from './QueryEditor';

jest.mock('../../../components/PromqlEditor/PromqlEditor', () => jest.requireActual('../../../test/promqlEditorMock'));

const ids = testIds.sidecarDatasource.queryEditor;

function setup(query: SidecarQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(
    <QueryEditor query={query} onChange={onChange} onRunQuery={onRunQuery} datasource={{} as SidecarDataSource} />
  );
  return { onChange, onRunQuery };
}

describe('QueryEditor', () => {
  test('forecast fields show the query; edits call onChange, blur runs the query', () => {
    const query: SidecarQuery = { refId: 'A', queryType: 'forecast', expr: 'up', horizon: '6h' };
    const { onChange, onRunQuery } = setup(query);

    expect(screen.getByTestId(ids.expr)).toHaveValue('up');
    expect(screen.getByTestId(ids.horizon)).toHaveValue('6h');
    expect(screen.getByTestId(ids.step)).toHaveAttribute('placeholder', 'auto');

    fireEvent.change(screen.getByTestId(ids.expr), { target: { value: 'aidpe_sim_request_rate' } });
    expect(onChange).toHaveBeenLastCalledWith({ ...query, expr: 'aidpe_sim_request_rate' });
    expect(onRunQuery).not.toHaveBeenCalled();
    fireEvent.blur(screen.getByTestId(ids.expr));
    expect(onRunQuery).toHaveBeenCalledTimes(1);

    fireEvent.change(screen.getByTestId(ids.step), { target: { value: '30s' } });
    expect(onChange).toHaveBeenLastCalledWith({ ...query, step: '30s' });
  });

  test('the 95% band switch updates the query and runs it', () => {
    const query: SidecarQuery = { refId: 'A', expr: 'up' };
    const { onChange, onRunQuery } = setup(query);
    fireEvent.click(screen.getByTestId(ids.band95));
    expect(onChange).toHaveBeenLastCalledWith({ ...query, band95: true });
    expect(onRunQuery).toHaveBeenCalled();
  });

  test('invalid fields show the validation message', () => {
    setup({ refId: 'A', expr: 'up{', horizon: 'tomorrow', step: '0' });
    expect(screen.getByText('Unclosed "{"')).toBeInTheDocument();
    expect(screen.getByText('Step must be longer than 0')).toBeInTheDocument();
    expect(
      screen.getByText('Horizon "tomorrow" is neither a duration (15m, 6h, 2d) nor a number of steps (288)')
    ).toBeInTheDocument();
  });

  test('an empty expression is only flagged once the field was left', () => {
    setup({ refId: 'A', expr: '' });
    expect(screen.queryByText(/Enter a PromQL expression/)).not.toBeInTheDocument();
    fireEvent.blur(screen.getByTestId(ids.expr));
    expect(screen.getByText(/Enter a PromQL expression/)).toBeInTheDocument();
  });

  test('switching the type updates and runs the query', () => {
    const query: SidecarQuery = { refId: 'A', queryType: 'forecast', expr: 'up' };
    const { onChange, onRunQuery } = setup(query);
    fireEvent.click(within(screen.getByTestId(ids.queryType)).getByLabelText('Anomalies'));
    expect(onChange).toHaveBeenLastCalledWith({ ...query, queryType: 'anomalies' });
    expect(onRunQuery).toHaveBeenCalled();
  });

  test('anomalies: expression, step and threshold; no horizon or band; edits call onChange, blur runs', () => {
    const query: SidecarQuery = { refId: 'A', queryType: 'anomalies', expr: 'up' };
    const { onChange, onRunQuery } = setup(query);
    expect(screen.getByTestId(ids.expr)).toHaveValue('up');
    expect(screen.getByTestId(ids.threshold)).toHaveAttribute('placeholder', 'per series');
    expect(screen.queryByTestId(ids.horizon)).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.band95)).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.pending)).not.toBeInTheDocument();

    fireEvent.change(screen.getByTestId(ids.threshold), { target: { value: '0.995' } });
    expect(onChange).toHaveBeenLastCalledWith({ ...query, threshold: '0.995' });
    fireEvent.change(screen.getByTestId(ids.step), { target: { value: '1m' } });
    expect(onChange).toHaveBeenLastCalledWith({ ...query, step: '1m' });
    fireEvent.blur(screen.getByTestId(ids.threshold));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  test('anomalies: invalid fields show the validation message', () => {
    setup({ refId: 'A', queryType: 'anomalies', expr: 'up', threshold: '1.5', step: 'x' });
    expect(
      screen.getByText('Threshold "1.5" must be a number between 0 and 1 (exclusive), e.g. 0.995')
    ).toBeInTheDocument();
    expect(screen.getByText('Step "x" is not a duration (30s, 1m) or a number of seconds (60)')).toBeInTheDocument();
  });

  test('rca: entry service and window; blur runs the query; a bad window says why', () => {
    const query: SidecarQuery = { refId: 'A', queryType: 'rca', service: 'frontend' };
    const { onChange, onRunQuery } = setup(query);
    expect(screen.getByTestId(ids.rcaService)).toHaveValue('frontend');
    expect(screen.queryByTestId(ids.expr)).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.pending)).not.toBeInTheDocument();
    fireEvent.change(screen.getByTestId(ids.rcaWindow), { target: { value: '15m' } });
    expect(onChange).toHaveBeenLastCalledWith({ ...query, window: '15m' });
    fireEvent.blur(screen.getByTestId(ids.rcaService));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  test('rca: an invalid window shows the reason', () => {
    setup({ refId: 'A', queryType: 'rca', window: 'soon' });
    expect(screen.getByText('Window "soon" is not a duration such as 15m or 1h')).toBeInTheDocument();
  });

  test('actions: service and status filters, no expression', () => {
    // The status MultiCombobox measures its text on a canvas, which jsdom lacks.
    const canvas = { measureText: () => ({ width: 40 }) };
    jest
      .spyOn(HTMLCanvasElement.prototype, 'getContext')
      .mockReturnValue(canvas as unknown as CanvasRenderingContext2D);
    const query: SidecarQuery = { refId: 'A', queryType: 'actions', actionService: 'frontend' };
    const { onChange } = setup(query);
    expect(screen.getByTestId(ids.actionService)).toHaveValue('frontend');
    expect(screen.getByTestId(ids.actionStatus)).toBeInTheDocument();
    expect(screen.queryByTestId(ids.expr)).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.pending)).not.toBeInTheDocument();
    fireEvent.change(screen.getByTestId(ids.actionService), { target: { value: 'checkout' } });
    expect(onChange).toHaveBeenLastCalledWith({ ...query, actionService: 'checkout' });
    jest.restoreAllMocks();
  });
});
