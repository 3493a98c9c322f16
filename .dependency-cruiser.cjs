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

/** Why each rule after the room rules holds (dependency-cruiser prints it with every violation). */
const WHY = {
  'room-door': 'another room comes in through its door (index.ts); compress/methods is the pure door the spec room bundles',
  'main-is-plain-node': 'main/ runs inside Electron, the web shell and the CLI: no electron, React or browser-side code',
  'tfjs-only-in-tensor': 'nothing outside main/tensor/ imports tfjs (model, compression and analysis speak the engine interface)',
  'electron-shell-only': 'the shell talks to the core only through the contract',
  'renderer-through-the-contract': 'the renderer bundles only pure code of main/: the contract (types + schemas), the spec room and the results core',
  'no-circular': 'modules depend one way at run time',
};

/** An error rule: a module matching `from` may not import one matching `to`. */
const forbid = (name, from, to, comment = WHY[name]) => ({ name, comment, severity: 'error', from, to });

const roomRules = Object.entries(MAY_IMPORT).map(([room, allowed]) =>
  forbid(
    `room-${room}`,
    { path: `^main/${room}/` },
    { path: '^main/', pathNot: [`^main/${room}/`, ...allowed.map((r) => `^main/${r}/`)] },
    `main/${room} may import ${allowed.length ? allowed.map((r) => `main/${r}`).join(', ') : 'no other room of main/'}`,
  ),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...roomRules,
    forbid('room-door', { path: '^main/([^/]+)/' }, { path: '^main/[^/]+/', pathNot: ['^main/$1/', '^main/[^/]+/index\\.ts$', '^main/compress/methods/index\\.ts$'] }),
    forbid('main-is-plain-node', { path: '^main/' }, { path: ['^electron/', '^renderer/', 'node_modules/(electron|react|react-dom|plotly[^/]*)/'] }),
    forbid('tfjs-only-in-tensor', { path: '^main/', pathNot: ['^main/tensor/', '^main/app/'] }, { path: 'node_modules/@tensorflow/' }),
    forbid('electron-shell-only', { path: '^electron/' }, { path: '^(main|renderer)/', pathNot: '^main/api/contract\\.ts$' }),
    forbid('renderer-through-the-contract', { path: '^renderer/' }, { path: '^(main|electron)/', pathNot: ['^main/api/contract\\.ts$', '^main/spec/index\\.ts$', '^main/results/index\\.ts$'] }),
    // type-only imports are left out: they vanish at build, and a room's pure rules name the spec's types
    // (compress/methods checks the spec's CompressionConfig, which the spec room refines with those rules)
    forbid('no-circular', { path: '^(main|renderer|electron)/' }, { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^test/', '^node_modules/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'] },
  },
};
