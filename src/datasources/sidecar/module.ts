import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { SidecarDataSource } from './datasource';
import type { SidecarJsonData, SidecarQuery, SidecarSecureJsonData } from './types';

export const plugin = new DataSourcePlugin<SidecarDataSource, SidecarQuery, SidecarJsonData, SidecarSecureJsonData>(
  SidecarDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
