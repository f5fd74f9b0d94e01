// Lint rules, each with the reason and where the code should go instead.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const IO_PACKAGES = [
  'kafkajs',
  '@clickhouse/client',
  '@grpc/grpc-js',
  'onnxruntime-node',
  'node:fs',
  'node:net',
  'node:http',
  'fs',
  'net',
  'http',
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/generated/**',
      '.data/**',
      '.nx/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      // Tags in each project.json: type:lib / type:service, scope:<name>.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          depConstraints: [
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:stats', onlyDependOnLibsWithTags: ['scope:stats'] },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportAllDeclaration',
          message:
            "List each public name on purpose (export { a, b } from ...): a lib's index.ts is its whole public API.",
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@ballast/*/src', '@ballast/*/src/*', '@ballast/*/dist/*'],
              message:
                "Import the lib's public API ('@ballast/<lib>'); if you need more, export it from that lib's src/index.ts.",
            },
            {
              group: ['**/libs/*', '**/libs/**', '../../*/src/**'],
              message:
                "Don't reach into another project by relative path: import '@ballast/<lib>' and export what you need from its index.ts.",
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/services/**', '@ballast/*-service'],
              message:
                'Libs never import services. Move the shared code into a lib under libs/ and import it from the service.',
            },
            {
              group: ['@ballast/*/src', '@ballast/*/src/*', '@ballast/*/dist/*'],
              message:
                "Import the lib's public API ('@ballast/<lib>'); if you need more, export it from that lib's src/index.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/services/**', '../../*/src/**'],
              message:
                'Services talk over gRPC and Kafka, never by import. Move shared code into a lib under libs/.',
            },
            {
              group: ['@ballast/*/src', '@ballast/*/src/*', '@ballast/*/dist/*'],
              message:
                "Import the lib's public API ('@ballast/<lib>'); if you need more, export it from that lib's src/index.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/stats/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_PACKAGES.map((name) => ({
            name,
            message:
              'stats is pure computation: do the I/O in a service or an I/O lib (kafka, clickhouse) and pass the numbers in.',
          })),
          patterns: [
            {
              group: ['@ballast/*', '!@ballast/stats'],
              message:
                'stats imports no other lib: keep it pure so it can be checked against reference values anywhere.',
            },
          ],
        },
      ],
    },
  },
);
