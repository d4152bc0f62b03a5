#!/usr/bin/env node
// Entry point for `npx xai-clip`: runs the compiled CLI (built by `npm ci` through the prepare script).
require('../build/cli/src/main.js');
