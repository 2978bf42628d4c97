/**
 * A react-router `Router` on Grafana's location service, inside its provider: how Grafana mounts an app
 * plugin's root, for tests and the browser harness (Scenes reads and writes the URL through the service).
 */
import React, { useLayoutEffect, useState } from 'react';
import { Router } from 'react-router-dom';
import { LocationServiceProvider, locationService } from '@grafana/runtime';

export function LocationRouter({ children }: { children: React.ReactNode }) {
  const history = locationService.getHistory();
  const [location, setLocation] = useState(history.location);
  useLayoutEffect(() => history.listen((l: typeof location) => setLocation(l)), [history]);
  return (
    <LocationServiceProvider service={locationService}>
      <Router location={location} navigator={history as never}>
        {children}
      </Router>
    </LocationServiceProvider>
  );
}
