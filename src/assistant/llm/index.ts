// The only folder that imports `openai`.
export { LlmBrain, MAX_STEPS, type LlmBrainOptions } from './brain.js';
