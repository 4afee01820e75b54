#!/usr/bin/env node
// Thin launcher: the daemon is compiled from src/daemon by `npm run build` (run by `npm ci`).
import { main } from "../dist/src/daemon/swarmd.js";
await main(process.argv);
