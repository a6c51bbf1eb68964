/** How every boundary reports bad input: one line per problem, each naming the field path. */
import type { z } from 'zod';

export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}

export class ValidationError extends Error {
  constructor(public readonly what: string, public readonly details: string) {
    super(`invalid ${what}:\n${details}`);
    this.name = 'ValidationError';
  }
}

/** Parses with a schema or throws a ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, what: string, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(what, formatZodError(result.error));
  return result.data;
}
