// Shared Jest set-up. Every project has two Jest projects:
//   unit         src/**/*.spec.ts       no I/O, runs anywhere
//   integration  test/**/*.int.spec.ts  needs the local stack (ClickHouse, Kafka),
//                                       which `npm test` starts and passes in through env
const path = require('node:path');

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

// Tests import other libs by package name; map them to sources so a test never
// runs against a stale build.
// Relative '.js' specifiers (which TypeScript's node16 resolution asks for in dynamic
// imports) resolve to the .ts sources.
const moduleNameMapper = {
  '^@ballast/([a-z-]+)$': path.join(__dirname, 'libs/$1/src/index.ts'),
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

/**
 * A project's Jest config. `integration` defaults to test/**\/*.int.spec.ts; the
 * top-level end-to-end project passes its own pattern.
 */
function jestConfig(projectDir, { integration = ['<rootDir>/test/**/*.int.spec.ts'] } = {}) {
  const common = { rootDir: projectDir, transform, moduleNameMapper, testEnvironment: 'node' };
  return {
    projects: [
      { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
      // nx.json's integration target gives these a generous timeout (--testTimeout):
      // they wait on real brokers, databases and processes.
      { ...common, displayName: 'integration', testMatch: integration },
    ],
  };
}

module.exports = { jestConfig };
