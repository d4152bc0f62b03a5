/**
 * Builds the CLI as one ES module, build/cli/xai-clip.mjs, from the same sources the viewer
 * bundles (the shared packages through their barrels). Packages with native code, WASM files
 * beside their JavaScript, or ES modules loaded on demand stay outside and load at run time.
 */
const path = require('path');
const { barrelPaths } = require('./scripts/barrels.js');

/** How each run-time package is loaded: require() of CommonJS, or a native import(). */
const RUN_TIME_PACKAGES = {
  'onnxruntime-node': 'node-commonjs',
  dcmjs: 'node-commonjs',
  'onnxruntime-web': 'import',
  'nifti-reader-js': 'import',
  '@cornerstonejs/adapters': 'import',
};

module.exports = (_env, argv) => ({
  mode: argv.mode ?? 'production',
  target: 'node20',
  devtool: 'source-map',
  entry: { 'xai-clip': './cli/src/main.ts' },
  experiments: { outputModule: true },
  output: {
    path: path.join(__dirname, 'build', 'cli'),
    filename: '[name].mjs',
    chunkFilename: '[name].[contenthash:8].mjs',
    library: { type: 'module' },
    chunkFormat: 'module',
    clean: true,
  },
  // The CLI finds the repository (default models, the bench's data) from its own location.
  node: { __dirname: 'node-module' },
  optimization: { minimize: false },
  resolve: { extensions: ['.ts', '.js', '.mjs', '.json'], alias: barrelPaths },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        options: {
          configFile: 'tsconfig.json',
          transpileOnly: true,
          compilerOptions: { module: 'es2022', moduleResolution: 'bundler' },
        },
      },
    ],
  },
  externals: [
    ({ request }, callback) => {
      const name = Object.keys(RUN_TIME_PACKAGES).find((p) => request === p || request.startsWith(`${p}/`));
      return name ? callback(null, `${RUN_TIME_PACKAGES[name]} ${request}`) : callback();
    },
  ],
  performance: { hints: false },
});
