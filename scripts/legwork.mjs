#!/usr/bin/env node
// `legwork ...` (npx legwork, or npm run legwork -- ...): the operator CLI through the launcher.
process.argv.splice(2, 0, 'cli');
await import('./launch.mjs');
