#!/usr/bin/env node
// The `marz` command. TypeScript sources run through tsx's loader: no separate server build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
