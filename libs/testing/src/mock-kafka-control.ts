import * as net from 'node:net';

/**
 * Client for the mock Kafka cluster's control channel (infra/kafka): one line per
 * command, one line back, `ok ...` or `error <reason>`.
 */
export class MockKafkaControl {
  constructor(private readonly address: string) {}

  brokerDown(id: number): Promise<string> {
    return this.command(`broker-down ${id}`);
  }

  brokerUp(id: number): Promise<string> {
    return this.command(`broker-up ${id}`);
  }

  /**
   * Makes `brokerIds[p % brokerIds.length]` the leader of each partition p of `topic`,
   * so a test knows which partitions a broker it takes down leads (the mock assigns
   * leaders at random when it creates a topic).
   */
  async leadPartitions(topic: string, brokerIds: readonly number[]): Promise<void> {
    const listed = (await this.command('topics')).split(' ').slice(1);
    const entry = listed.find((t) => t.slice(0, t.indexOf(':')) === topic);
    if (!entry) throw new Error(`mock kafka control: no topic ${topic} (has ${listed.join(', ')})`);
    const partitions = Number(entry.split(':').at(-2));
    for (let p = 0; p < partitions; p++)
      await this.command(`leader ${topic} ${p} ${brokerIds[p % brokerIds.length]}`);
  }

  /** Sends one command; rejects with the launcher's reason when it answers `error`. */
  command(line: string): Promise<string> {
    const [host, port] = this.address.split(':');
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host, port: Number(port) });
      let reply = '';
      socket.setEncoding('utf8');
      socket.setTimeout(5_000, () => socket.destroy(new Error(`no reply to "${line}" within 5 s`)));
      socket.on('connect', () => socket.write(`${line}\n`));
      socket.on('data', (chunk: string) => {
        reply += chunk;
        const end = reply.indexOf('\n');
        if (end < 0) return;
        socket.end();
        const answer = reply.slice(0, end).trim();
        if (answer.startsWith('ok')) resolve(answer);
        else reject(new Error(`mock kafka control: "${line}" → ${answer}`));
      });
      socket.on('error', reject);
    });
  }
}
