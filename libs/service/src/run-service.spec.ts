import { runService } from './run-service';

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error('timed out');
}

afterEach(() => jest.restoreAllMocks());

it('starts the server, and on SIGTERM stops it before the process exits', async () => {
  const calls: string[] = [];
  // Nest re-raises the signal after its shutdown hooks ran; keep this process alive.
  const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
  runService({
    name: 'test-service',
    loadConfig: () => ({ LOG_LEVEL: 'error' as const }),
    create: () => ({
      start: async () => void calls.push('start'),
      stop: async () => void calls.push('stop'),
    }),
  });
  await until(() => calls.includes('start'));
  process.emit('SIGTERM', 'SIGTERM');
  await until(() => calls.includes('stop'));
  expect(calls).toEqual(['start', 'stop']);
  expect(kill).toHaveBeenCalledWith(process.pid, 'SIGTERM');
});

it('exits 1 with the reason when start-up fails', async () => {
  const exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  runService({
    name: 'test-service',
    loadConfig: () => {
      throw new Error('KAFKA_BROKERS: is required');
    },
    create: () => ({ start: async () => undefined, stop: async () => undefined }),
  });
  await until(() => exit.mock.calls.length > 0);
  expect(exit).toHaveBeenCalledWith(1);
  expect(stderr).toHaveBeenCalledWith('test-service failed to start: KAFKA_BROKERS: is required\n');
});
