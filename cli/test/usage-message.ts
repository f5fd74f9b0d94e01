import { UsageError } from '../src/command';

/** The message of the UsageError `f` throws; fails the test when it throws none. */
export function usageMessage(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}
