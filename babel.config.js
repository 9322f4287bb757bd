// Tests run through Babel: it strips types without checking them (`npm run typecheck` checks them)
// and, unlike swc or esbuild, needs no platform-specific binary, so `npm ci` works on every platform.
module.exports = {
  presets: [['@babel/preset-typescript', { allowDeclareFields: true }]],
  plugins: ['@babel/plugin-transform-modules-commonjs'],
  targets: { node: '20' },
};
