#!/usr/bin/env node
// `npx ballast ...` from the repository root. The CLI is TypeScript compiled to
// cli/dist by the build (`npm run build`, also run by `npm start` and `npm test`).
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'main.js');
try {
  require.resolve(entry);
} catch {
  process.stderr.write('ballast: the CLI is not built yet; run `npm run build` first\n');
  process.exit(1);
}
require(entry);
