/**
 * Builds the OHIF extension and mode as ES modules that OHIF 3.13 imports at run time
 * (`window.config.extensions/modes` list their URLs), plus the explanation worker chunk and
 * onnxruntime-web's WASM runtime, emitted as assets under the absolute public path /xai/. React is bundled (a React island);
 * cornerstone is never bundled — it comes from the host at run time.
 */
const path = require('path');

module.exports = (_env, argv) => ({
  mode: argv.mode ?? 'production',
  devtool: 'source-map',
  entry: {
    'xai-clip-extension': './extension/src/index.ts',
    'xai-clip-mode': './mode/src/index.ts',
  },
  experiments: { outputModule: true },
  output: {
    path: path.join(__dirname, 'build', 'www', 'xai'),
    filename: '[name].mjs',
    chunkFilename: '[name].[contenthash:8].mjs',
    publicPath: '/xai/',
    library: { type: 'module' },
    chunkFormat: 'module',
    clean: true,
  },
  resolve: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  module: {
    rules: [
      {
        test: /\.tsx?$/,
        loader: 'ts-loader',
        options: { configFile: 'tsconfig.web.json', transpileOnly: true },
      },
      // npm writes "type": "commonjs"; keep third-party .js parsed as auto so ESM imports work.
      { test: /\.js$/, type: 'javascript/auto' },
    ],
  },
  externals: [
    ({ request }, callback) =>
      /^@cornerstonejs\/(core|tools)/.test(request)
        ? callback(
            new Error(`${request} must come from the host (getCornerstoneLibraries), never the bundle.`),
          )
        : callback(),
  ],
  performance: { hints: false },
});
