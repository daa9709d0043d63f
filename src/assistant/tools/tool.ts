// A tool is data: name, description, zod input, a side-effect flag and run({ ctx, input }).
import type * as z from 'zod/v4';
import type { TurnCtx } from '../types.js';

export interface Tool<I extends z.ZodType = z.ZodType, O = unknown> {
  /** snake_case, as the model sees it. */
  name: string;
  description: string;
  input: I;
  /** True when running it changes the store; such tools only prepare the change and ask for confirmation. */
  sideEffect: boolean;
  run(args: { ctx: TurnCtx; input: z.output<I> }): Promise<O>;
}

/** Identity helper that keeps each tool's input and output types. */
export function defineTool<I extends z.ZodType, O>(tool: Tool<I, O>): Tool<I, O> {
  return tool;
}
