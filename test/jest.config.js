module.exports = require('../jest.preset').jestConfig(__dirname, {
  integration: ['<rootDir>/**/*.e2e.spec.ts'],
});
