import { toJson, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type { CliIo } from '../command';

/**
 * Writes a response: with `json`, the protobuf JSON mapping of the whole message
 * (lowerCamelCase names, 64-bit integers as strings, every field present even when
 * zero, so scripts need no defaults); otherwise the human text.
 */
export function writeResult<S extends DescMessage>(
  io: CliIo,
  result: { json: boolean | undefined; schema: S; message: MessageShape<S>; text: () => string },
): void {
  if (result.json) {
    const json = toJson(result.schema, result.message, { alwaysEmitImplicit: true });
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.stdout.write(result.text());
  }
}
