import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import type { DataSourceSettings } from '@grafana/data';
import { testIds } from '../../../components/testIds';
import type { SidecarJsonData, SidecarSecureJsonData } from '../settings';
import { ConfigEditor } from './ConfigEditor';

const ids = testIds.sidecarDatasource.configEditor;

function options(overrides: Partial<DataSourceSettings<SidecarJsonData, SidecarSecureJsonData>> = {}) {
  return {
    id: 1,
    uid: 'aidpe',
    name: 'AIDPE',
    type: 'aidpe-sidecar-datasource',
    access: 'proxy',
    url: '',
    jsonData: { sidecarUrl: 'http://sidecar:8080' },
    secureJsonFields: {},
    ...overrides,
  } as DataSourceSettings<SidecarJsonData, SidecarSecureJsonData>;
}

describe('ConfigEditor', () => {
  test('edits the sidecar URL in jsonData and normalises it on blur', () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={options()} onOptionsChange={onOptionsChange} />);
    const url = screen.getByTestId(ids.sidecarUrl);
    expect(url).toHaveValue('http://sidecar:8080');

    fireEvent.change(url, { target: { value: 'http://aidpe:9000/' } });
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { sidecarUrl: 'http://aidpe:9000/' } })
    );

    rerender(
      <ConfigEditor
        options={options({ jsonData: { sidecarUrl: 'http://aidpe:9000/' } })}
        onOptionsChange={onOptionsChange}
      />
    );
    fireEvent.blur(screen.getByTestId(ids.sidecarUrl));
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { sidecarUrl: 'http://aidpe:9000' } })
    );
  });

  test('shows URL problems once the field was left', () => {
    render(<ConfigEditor options={options({ jsonData: { sidecarUrl: 'ftp://x' } })} onOptionsChange={jest.fn()} />);
    expect(screen.queryByText('The URL must start with http:// or https://')).not.toBeInTheDocument();
    fireEvent.blur(screen.getByTestId(ids.sidecarUrl));
    expect(screen.getByText('The URL must start with http:// or https://')).toBeInTheDocument();
  });

  test('the token goes to secureJsonData only; a saved token shows as configured and can be reset', () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={options()} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(ids.apiToken), { target: { value: ' s3cret ' } });
    const changed = onOptionsChange.mock.lastCall[0];
    expect(changed.secureJsonData).toEqual({ apiToken: 's3cret' });
    expect(JSON.stringify(changed.jsonData)).not.toContain('s3cret');

    rerender(
      <ConfigEditor options={options({ secureJsonFields: { apiToken: true } })} onOptionsChange={onOptionsChange} />
    );
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: /reset/i }));
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ secureJsonFields: { apiToken: false }, secureJsonData: { apiToken: '' } })
    );
  });
});
