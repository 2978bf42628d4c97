/**
 * Reloads the page. Plugin settings changes only reach the running app (`plugin.meta`) after a reload;
 * Grafana has no supported way to update them in place. Kept in its own module so tests can mock it.
 */
export function reloadPage(): void {
  window.location.reload();
}
