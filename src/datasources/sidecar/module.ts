import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { SidecarDataSource } from './datasource';
import type { SidecarQuery } from '../../domain/query/types';
import type { SidecarJsonData, SidecarSecureJsonData } from './settings';

export const plugin = new DataSourcePlugin<SidecarDataSource, SidecarQuery, SidecarJsonData, SidecarSecureJsonData>(
  SidecarDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
