/**
 * Jest reads `testTimeout` only from the global config, not per project: the real-n8n projects set
 * their timeout here instead, from the `SUITE_TIMEOUT_MS` global their project defines.
 */
declare const SUITE_TIMEOUT_MS: number;

jest.setTimeout(SUITE_TIMEOUT_MS);
