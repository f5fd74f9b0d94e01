import { status } from '@grpc/grpc-js';
import { CliError, EXIT } from '../command';
import { controlCallError } from './errors';

const grpcError = (code: status, details: string) =>
  Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details });

describe('controlCallError', () => {
  it('names the status and keeps the details, exit 1', () => {
    const error = controlCallError(
      grpcError(status.NOT_FOUND, 'model "x" is not registered'),
      'h:1',
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe('NOT_FOUND: model "x" is not registered');
    expect((error as CliError).exitCode).toBe(EXIT.failed);
  });

  it('says the control plane is unreachable, naming the address, exit 3', () => {
    const error = controlCallError(
      grpcError(
        status.UNAVAILABLE,
        'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ',
      ),
      '127.0.0.1:1',
    ) as CliError;
    expect(error.message).toMatch(
      /^control plane unreachable at 127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\)\. /,
    );
    expect(error.message).toContain('npm start');
    expect(error.exitCode).toBe(EXIT.unreachable);
  });

  it('keeps an UNAVAILABLE the control plane answered with as a status', () => {
    const error = controlCallError(grpcError(status.UNAVAILABLE, 'store busy'), 'h:1') as CliError;
    expect(error.message).toBe('UNAVAILABLE: store busy');
    expect(error.exitCode).toBe(EXIT.failed);
  });

  it('passes anything else through', () => {
    const other = new TypeError('bug');
    expect(controlCallError(other, 'h:1')).toBe(other);
  });
});
