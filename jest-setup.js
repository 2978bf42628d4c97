// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// i18next (pulled in by @grafana/ui) prints a sponsorship banner on every init; keep test output readable.
const originalInfo = console.info;
console.info = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes('i18next is made possible')) {
    return;
  }
  originalInfo(...args);
};

// jsdom has no IntersectionObserver or ResizeObserver; @grafana/scenes (lazy layout) and the plugin's width
// measurement look for them. Stubs that never report: components render their content without layout events.
class NoopObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
global.IntersectionObserver = global.IntersectionObserver ?? NoopObserver;
global.ResizeObserver = global.ResizeObserver ?? NoopObserver;
