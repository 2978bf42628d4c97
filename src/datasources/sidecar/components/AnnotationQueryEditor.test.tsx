import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import type { DataSourceApi } from '@grafana/data';
import { testIds } from '../../../components/testIds';
import type { SidecarQuery } from '../../../domain/query/types';
import type { SidecarJsonData } from '../settings';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';

jest.mock('../../../components/PromqlEditor/PromqlEditor', () => jest.requireActual('../../../test/promqlEditorMock'));

const ids = testIds.sidecarDatasource.annotationEditor;

function setup(query: SidecarQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(
    <AnnotationQueryEditor
      query={query}
      onChange={onChange}
      onRunQuery={onRunQuery}
      datasource={{} as DataSourceApi<SidecarQuery, SidecarJsonData>}
    />
  );
  return { onChange, onRunQuery };
}

describe('AnnotationQueryEditor', () => {
  test('edits the expression, step and threshold of an anomaly query', () => {
    const query: SidecarQuery = { refId: 'Anno', expr: 'up' };
    const { onChange, onRunQuery } = setup(query);
    expect(screen.getByTestId(ids.expr)).toHaveValue('up');

    fireEvent.change(screen.getByTestId(ids.expr), { target: { value: 'aidpe_sim_latency_seconds' } });
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'Anno',
      queryType: 'anomalies',
      expr: 'aidpe_sim_latency_seconds',
    });
    fireEvent.change(screen.getByTestId(ids.step), { target: { value: '1m' } });
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'Anno', queryType: 'anomalies', expr: 'up', step: '1m' });
    fireEvent.change(screen.getByTestId(ids.threshold), { target: { value: '0.99' } });
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'Anno', queryType: 'anomalies', expr: 'up', threshold: '0.99' });
    fireEvent.blur(screen.getByTestId(ids.expr));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    expect(screen.getByText(/drawn as a region annotation/)).toBeInTheDocument();
    expect(screen.queryByText(/not available yet/i)).not.toBeInTheDocument();
  });

  test('actions: no expression, an optional service; switching kinds keeps the query', () => {
    const { onChange, onRunQuery } = setup({ refId: 'Anno', queryType: 'actions', actionService: 'frontend' });
    expect(screen.queryByTestId(ids.expr)).not.toBeInTheDocument();
    expect(screen.getByTestId(ids.actionService)).toHaveValue('frontend');
    expect(screen.getByText(/a rolled-back one as a region up to its rollback/)).toBeInTheDocument();
    fireEvent.change(screen.getByTestId(ids.actionService), { target: { value: 'checkout' } });
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'Anno', queryType: 'actions', actionService: 'checkout' });
    fireEvent.click(screen.getByLabelText('Anomalies'));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'Anno', queryType: 'anomalies', actionService: 'frontend' });
    expect(onRunQuery).toHaveBeenCalled();
  });

  test('problems show once the field was left', () => {
    setup({ refId: 'Anno', expr: '' });
    expect(screen.queryByText(/Enter a PromQL expression/)).not.toBeInTheDocument();
    fireEvent.blur(screen.getByTestId(ids.expr));
    expect(screen.getByText(/Enter a PromQL expression/)).toBeInTheDocument();
  });
});
