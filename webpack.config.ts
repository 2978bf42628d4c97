/*
 * Extends the scaffolded webpack config (.config/, never edited) as create-plugin documents:
 * https://grafana.com/developers/plugin-tools/how-to-guides/extend-configurations#extend-the-webpack-config
 *
 * The scaffold already bundles nested plugins (src/datasources/<name>/module.ts → dist/datasources/<name>/module.js)
 * and copies their plugin.json, but only copies the app's own logos. This adds the nested plugins' logos, so that
 * each nested plugin.json's `info.logos` resolves in dist/.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import fs from 'fs';
import path from 'path';
import { globSync } from 'glob';
import type { Configuration } from 'webpack';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

// Note: ts-node compiles this file for ES5 (see .config/tsconfig.json), where spreading a Set yields [].
const SOURCE_DIR = path.resolve(process.cwd(), 'src');

/** `{ from, to }` for every logo of every nested plugin.json, relative to src/ (webpack's context). */
function nestedLogoPatterns(): Array<{ from: string; to: string }> {
  return globSync('**/plugin.json', { cwd: SOURCE_DIR, ignore: ['plugin.json', '**/node_modules/**'] }).flatMap(
    (file) => {
      const dir = path.dirname(file);
      const json = JSON.parse(fs.readFileSync(path.join(SOURCE_DIR, file), 'utf8'));
      const logos: string[] = [json.info?.logos?.small, json.info?.logos?.large].filter(
        (logo: unknown): logo is string => typeof logo === 'string' && logo.length > 0
      );
      return Array.from(new Set(logos)).map((logo) => ({ from: path.join(dir, logo), to: path.join(dir, logo) }));
    }
  );
}

const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  const patterns = nestedLogoPatterns();
  return {
    ...base,
    plugins: [...(base.plugins ?? []), ...(patterns.length > 0 ? [new CopyWebpackPlugin({ patterns })] : [])],
  };
};

export default config;
