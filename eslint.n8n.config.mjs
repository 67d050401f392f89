// The config `n8n-node lint` requires, verbatim: n8n's own lint for what ships (see eslint.config.mjs).
import { config } from '@n8n/node-cli/eslint';

export default config;
