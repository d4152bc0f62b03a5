#!/usr/bin/env node
// Entry point for `npx xai-clip`: runs the CLI's ES module bundle (built by `npm ci` through the prepare script).
import('../build/cli/xai-clip.mjs');
