/**
 * The layers, pointing down only (docs/developing.md):
 *   leaf       src/contract, src/lib      import nothing of ours but each other
 *   providers  src/providers              the leaf
 *   engine     src/engine                 providers and the leaf
 *   api        src/api                    the engine, providers and the leaf (dispatch, handlers, bus, composition root)
 *   faces      src/{electron,host,cli,agent,preload}  the api and the leaf; engine and providers for types only
 *   renderer   src/renderer               the contract only
 * Test support lives in `testing/` folders, which production code never imports.
 */
const LAYERS = {
  contract: ['^src/contract/'],
  lib: ['^src/contract/', '^src/lib/'],
  providers: ['^src/contract/', '^src/lib/', '^src/providers/'],
  engine: ['^src/contract/', '^src/lib/', '^src/providers/', '^src/engine/'],
  api: ['^src/contract/', '^src/lib/', '^src/providers/', '^src/engine/', '^src/api/'],
};
const FACES = '^src/(electron|host|cli|agent|preload)/';

function layerRule(name, allowed) {
  return {
    name: `${name}-points-down`,
    comment: `src/${name} may import only ${allowed.map((a) => a.slice(1)).join(', ')}`,
    severity: 'error',
    from: { path: `^src/${name}/`, pathNot: '(^|/)testing/|\\.test\\.tsx?$' },
    to: { path: '^src/', pathNot: allowed },
  };
}

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'no import circles', from: { path: '^src/' }, to: { circular: true } },
    ...Object.entries(LAYERS).map(([name, allowed]) => layerRule(name, allowed)),
    {
      name: 'faces-use-the-api',
      comment: 'a face reaches the engine and providers through src/api (the composition root); types only otherwise',
      severity: 'error',
      from: { path: FACES, pathNot: '(^|/)testing/|\\.test\\.tsx?$' },
      to: { path: '^src/(engine|providers)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'faces-point-down',
      comment: 'a face imports no renderer code',
      severity: 'error',
      from: { path: FACES },
      to: { path: '^src/renderer/' },
    },
    {
      name: 'renderer-reaches-only-the-contract',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '^src/', pathNot: ['^src/contract/', '^src/renderer/'] },
    },
    {
      name: 'no-test-support-in-production',
      comment: 'testing/ folders and *.test files serve tests only',
      severity: 'error',
      from: { path: '^src/', pathNot: '(^|/)testing/|\\.test\\.tsx?$' },
      to: { path: '(^|/)testing/|\\.test\\.tsx?$' },
    },
    {
      name: 'electron-only-in-the-shell',
      comment: 'only src/electron and src/preload may import electron; the engine runs in plain Node',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(electron|preload)/' },
      to: { path: '^electron($|/)|^node_modules/electron/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
    exclude: { path: '^(out|node_modules)/' },
  },
};
