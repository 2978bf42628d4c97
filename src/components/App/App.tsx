import React from 'react';
import { Navigate, Route, Routes, useParams } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { useSceneApp } from '@grafana/scenes';
import { ROUTES } from '../../constants';
import { aidpeSceneApp, PAGES } from '../../scenes/app';

const KNOWN = new Set<string>(PAGES.map((p) => p.route));

/** The Scenes pages for a page's path; any other path (and the app's own root) goes to the Overview. */
function Pages() {
  const app = useSceneApp(aidpeSceneApp);
  const page = (useParams()['*'] ?? '').split('/')[0] ?? '';
  return KNOWN.has(page) ? <app.Component model={app} /> : <Navigate to={ROUTES.Overview} replace />;
}

function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path="*" element={<Pages />} />
    </Routes>
  );
}

export default App;
