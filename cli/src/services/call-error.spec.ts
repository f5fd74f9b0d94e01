import { status } from '@grpc/grpc-js';
import { CliError, EXIT } from '../command';
import { serviceCallError } from './call-error';
import { CONTROL_PLANE, DRIFT_ANALYSIS } from './endpoint';

const grpcError = (code: status, details: string) =>
  Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details });

describe('serviceCallError', () => {
  it('names the status and keeps the details, exit 1', () => {
    const error = serviceCallError(
      grpcError(status.NOT_FOUND, 'model "x" is not registered'),
      CONTROL_PLANE,
      'h:1',
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe('NOT_FOUND: model "x" is not registered');
    expect((error as CliError).exitCode).toBe(EXIT.failed);
  });

  it('says the control plane is unreachable, naming the address, exit 3', () => {
    const error = serviceCallError(
      grpcError(
        status.UNAVAILABLE,
        'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ',
      ),
      CONTROL_PLANE,
      '127.0.0.1:1',
    ) as CliError;
    expect(error.message).toMatch(
      /^control plane unreachable at 127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\)\. /,
    );
    expect(error.message).toContain('npm start');
    expect(error.message).toContain('--control or BALLAST_CONTROL');
    expect(error.exitCode).toBe(EXIT.unreachable);
  });

  it('names the service called and its own option and variable', () => {
    const error = serviceCallError(
      grpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded while waiting for LB pick'),
      DRIFT_ANALYSIS,
      'h:2',
    ) as CliError;
    expect(error.message).toMatch(/^drift-analysis unreachable at h:2 /);
    expect(error.message).toContain('--address or BALLAST_DRIFT');
    expect(error.exitCode).toBe(EXIT.unreachable);
  });

  it('keeps a deadline the service ran out of as a status', () => {
    const error = serviceCallError(
      grpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded after 120.001s'),
      DRIFT_ANALYSIS,
      'h:2',
    ) as CliError;
    expect(error.message).toBe('DEADLINE_EXCEEDED: Deadline exceeded after 120.001s');
    expect(error.exitCode).toBe(EXIT.failed);
  });

  it('keeps an UNAVAILABLE the control plane answered with as a status', () => {
    const error = serviceCallError(
      grpcError(status.UNAVAILABLE, 'store busy'),
      CONTROL_PLANE,
      'h:1',
    ) as CliError;
    expect(error.message).toBe('UNAVAILABLE: store busy');
    expect(error.exitCode).toBe(EXIT.failed);
  });

  it('passes anything else through', () => {
    const other = new TypeError('bug');
    expect(serviceCallError(other, CONTROL_PLANE, 'h:1')).toBe(other);
  });
});
