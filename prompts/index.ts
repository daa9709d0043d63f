// Prompts bundled as modules (Workers has no fs): system prompt per locale plus the shared tool policy.
import en from './en/system.js';
import zh from './zh-CN/system.js';
import toolPolicy from './tool-policy.js';

export const SYSTEM_PROMPTS = { en, 'zh-CN': zh } as const;
export const TOOL_POLICY = toolPolicy;
