import React from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { useSceneApp } from '@grafana/scenes';
import { ROUTES } from '../../constants';
import { aidpeSceneApp } from '../../scenes/app';

/** The app root: the Scenes pages (Overview by default). */
function App(_props: AppRootProps) {
  const app = useSceneApp(aidpeSceneApp);
  return (
    <Routes>
      <Route path="" element={<Navigate to={ROUTES.Overview} replace />} />
      <Route path="*" element={<app.Component model={app} />} />
    </Routes>
  );
}

export default App;
