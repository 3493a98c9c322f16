// The may-import table of the design (README, "Architecture"), checked in `npm test` by dependency-cruiser.
// A folder of main/ is a room: other rooms come in only through its door (index.ts).

/** main/<room> may import these rooms (and itself); every other room of main/ is refused. */
const MAY_IMPORT = {
  base: [],
  results: [],
  store: [],
  spec: ['compress/methods'],
  tensor: ['base'],
  model: ['base', 'tensor'],
  engines: ['base', 'model', 'tensor'],
  compress: ['base', 'model', 'tensor', 'spec'],
  analysis: ['base', 'model', 'tensor'],
  bench: ['base', 'model', 'spec', 'results'],
  train: ['base', 'model', 'tensor', 'results', 'bench'],
  jobs: ['base', 'spec', 'results', 'tensor', 'model', 'engines', 'compress', 'bench', 'analysis', 'store'],
  api: ['base', 'spec', 'results', 'tensor', 'model', 'engines', 'compress', 'bench', 'analysis', 'store', 'jobs'],
  app: ['base', 'spec', 'results', 'tensor', 'model', 'engines', 'compress', 'bench', 'analysis', 'store', 'jobs', 'api', 'train'],
};

const roomRules = Object.entries(MAY_IMPORT).map(([room, allowed]) => ({
  name: `room-${room}`,
  comment: `main/${room} may import ${allowed.length ? allowed.map((r) => `main/${r}`).join(', ') : 'no other room of main/'}`,
  severity: 'error',
  from: { path: `^main/${room}/` },
  to: { path: '^main/', pathNot: [`^main/${room}/`, ...allowed.map((r) => `^main/${r}/`)] },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...roomRules,
    {
      name: 'room-door',
      comment: 'another room comes in through its door (index.ts); compress/methods is the pure door the spec room bundles',
      severity: 'error',
      from: { path: '^main/([^/]+)/' },
      to: { path: '^main/[^/]+/', pathNot: ['^main/$1/', '^main/[^/]+/index\\.ts$', '^main/compress/methods/index\\.ts$'] },
    },
    {
      name: 'main-is-plain-node',
      comment: 'main/ runs inside Electron, the web shell and the CLI: no electron, React or browser-side code',
      severity: 'error',
      from: { path: '^main/' },
      to: { path: ['^electron/', '^renderer/', 'node_modules/(electron|react|react-dom|plotly[^/]*)/'] },
    },
    {
      name: 'tfjs-only-in-tensor',
      comment: 'nothing outside main/tensor/ imports tfjs (model, compression and analysis speak the engine interface)',
      severity: 'error',
      from: { path: '^main/', pathNot: ['^main/tensor/', '^main/app/'] },
      to: { path: 'node_modules/@tensorflow/' },
    },
    {
      name: 'electron-shell-only',
      comment: 'the shell talks to the core only through the contract',
      severity: 'error',
      from: { path: '^electron/' },
      to: { path: '^(main|renderer)/', pathNot: '^main/api/contract\\.ts$' },
    },
    {
      name: 'renderer-through-the-contract',
      comment: 'the renderer bundles only pure code of main/: the contract (types + schemas), the spec room and the results core',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(main|electron)/', pathNot: ['^main/api/contract\\.ts$', '^main/spec/index\\.ts$', '^main/results/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      // type-only imports are left out: they vanish at build, and a room's pure rules name the spec's types
      // (compress/methods checks the spec's CompressionConfig, which the spec room refines with those rules)
      comment: 'modules depend one way at run time',
      severity: 'error',
      from: { path: '^(main|renderer|electron)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^test/', '^node_modules/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'] },
  },
};
