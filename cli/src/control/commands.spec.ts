// The control commands end to end in process: runCli with captured output against a
// fake ControlService on a loopback port, so each test sees exactly what was sent.
import {
  DeploymentSchema,
  ExperimentState,
  type Deployment,
  type DeployRequest,
  type HistoryRequest,
  type PromoteRequest,
  type SetExperimentStateRequest,
} from '@ballast/contracts';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { status } from '@grpc/grpc-js';
import { createServer } from 'node:net';
import { FakeControlPlane, FakeStatus } from '../../test/fake-control-plane';
import { run } from '../../test/run';

let fake: FakeControlPlane;
const cli = (...argv: string[]) => run([...argv, '--control', fake.address]);

const deployment = (init: MessageInitShape<typeof DeploymentSchema>): Deployment =>
  create(DeploymentSchema, init);
const replace = (generation: bigint, version: string) =>
  deployment({ model: 'bc', generation, strategy: { case: 'replace', value: { version } } });
/** The deployment as the control plane would store it, at the next generation. */
const accepted = (request: DeployRequest, generation = 2n) => ({
  deployment: { ...request.deployment, $typeName: undefined, generation },
});

beforeAll(async () => {
  fake = await FakeControlPlane.start();
});
afterEach(() => fake.reset());
afterAll(() => fake.stop());

describe('deploy', () => {
  it('keeps the serving version as the canary stable, says so, and applies only at its generation', async () => {
    fake
      .on('getDeployment', async () => ({ deployment: replace(5n, '1') }))
      .on('deploy', async (request) => accepted(request, 6n));
    const result = await cli('deploy', 'bc', '--canary', '2', '--weight', '0.1', '--reason', 'r');
    expect(result).toEqual({
      code: 0,
      stdout: 'deployed: bc generation 6: canary — 1 90%, 2 10%\n',
      stderr: "ballast: stable version 1, from bc's current deployment (generation 5)\n",
    });
    const [sent] = fake.requests('deploy') as DeployRequest[];
    expect(sent?.expectedGeneration).toBe(5n);
    expect(sent?.context).toMatchObject({ actor: expect.any(String), reason: 'r' });
    expect(sent?.context?.actor).not.toBe('');
    expect(sent?.deployment?.strategy).toEqual({
      case: 'canary',
      value: expect.objectContaining({ stableVersion: '1', canaryVersion: '2', canaryWeight: 0.1 }),
    });
  });

  it('sends the expected generation and actor given, and reads nothing when the stable is given', async () => {
    fake.on('deploy', async (request) => accepted(request));
    const result = await cli(
      'deploy',
      'bc',
      '--shadow',
      '2',
      '--fraction',
      '0.2',
      '--primary',
      '1',
      '--actor',
      'ann',
      '--expected-generation',
      '0',
    );
    expect(result.code).toBe(0);
    expect(fake.requests('getDeployment')).toEqual([]);
    const [sent] = fake.requests('deploy') as DeployRequest[];
    expect(sent?.expectedGeneration).toBe(0n);
    expect(sent?.context?.actor).toBe('ann');
  });

  it('cannot keep a version when there is no single one serving', async () => {
    fake.on('getDeployment', async () => ({}));
    const result = await cli('deploy', 'bc', '--canary', '2', '--weight', '0.5');
    expect(result).toMatchObject({
      code: 1,
      stderr: 'ballast: bc has no deployment to keep a version from: pass --stable V\n',
    });
    expect(fake.requests('deploy')).toEqual([]);
  });

  it('prints the response as protobuf JSON with --json', async () => {
    fake.on('deploy', async (request) => accepted(request, 3n));
    const result = await cli('deploy', 'bc', '--version', '2', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      deployment: { model: 'bc', generation: '3', replace: { version: '2' } },
    });
  });

  it.each([
    [['--canary', '2', '--weight', 'lots'], "--weight must be a number, got 'lots'"],
    [['--canary', '2', '--weight', '1.2'], '--weight must be between 0 and 1, got 1.2'],
    [
      ['--experiment', 'e', '--variants', 'control=1,treatment=2', '--unit-field', 'u'],
      "--variants: 'control=1' is not NAME=VERSION:WEIGHT",
    ],
    [
      ['--version', '2', '--expected-generation', 'latest'],
      '--expected-generation must be a whole number',
    ],
    [['--version'], 'option --version needs a value'],
    [['--verison', '2'], 'unknown option --verison'],
  ])('refuses %j with exit 2 before any call', async (flags, message) => {
    const result = await cli('deploy', 'bc', ...flags);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`ballast: ${message}`);
    expect(fake.calls).toEqual([]);
  });

  it("shows the control plane's refusal as ballast: <STATUS>: <message>, exit 1", async () => {
    fake.on('deploy', async () => {
      throw new FakeStatus(
        status.INVALID_ARGUMENT,
        'deployment.experiment.variants: weights sum to 0.9, must sum to 1',
      );
    });
    const result = await cli(
      'deploy',
      'bc',
      '--experiment',
      'e1',
      '--variants',
      'control=1:0.5,treatment=2:0.4',
      '--unit-field',
      'user_id',
    );
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'ballast: INVALID_ARGUMENT: deployment.experiment.variants: weights sum to 0.9, must sum to 1\n',
    });
  });
});

describe('promote, rollback, experiment', () => {
  it('promote sends the variant; --version and --variant exclude each other', async () => {
    fake.on('promote', async () => ({ deployment: replace(9n, '2') }));
    expect(await cli('promote', 'bc', '--variant', 'treatment')).toMatchObject({
      code: 0,
      stdout: 'promoted: bc generation 9: replace — 2 100%\n',
    });
    expect(fake.requests('promote')).toEqual([
      expect.objectContaining({ model: 'bc', variant: 'treatment', version: '' }),
    ] as Partial<PromoteRequest>[]);
    const both = await cli('promote', 'bc', '--variant', 't', '--version', '2');
    expect(both.code).toBe(2);
  });

  it('experiment pause|resume|stop set the state', async () => {
    fake.on('setExperimentState', async () => ({ deployment: replace(2n, '1') }));
    for (const verb of ['pause', 'resume', 'stop']) {
      expect((await cli('experiment', verb, 'bc')).code).toBe(0);
    }
    expect(
      (fake.requests('setExperimentState') as SetExperimentStateRequest[]).map((r) => r.state),
    ).toEqual([ExperimentState.PAUSED, ExperimentState.RUNNING, ExperimentState.STOPPED]);
  });

  it('rollback reports a failed compare-and-swap', async () => {
    fake.on('rollback', async () => {
      throw new FakeStatus(status.FAILED_PRECONDITION, 'model "bc" is at generation 4, expected 3');
    });
    const result = await cli('rollback', 'bc', '--expected-generation', '3');
    expect(result).toMatchObject({
      code: 1,
      stderr: 'ballast: FAILED_PRECONDITION: model "bc" is at generation 4, expected 3\n',
    });
  });
});

describe('status, history, models', () => {
  it('status lists active deployments as a table, sorted by model', async () => {
    fake.on('listDeployments', async () => ({
      deployments: [
        replace(3n, '2'),
        deployment({
          model: 'a-model',
          generation: 12n,
          strategy: {
            case: 'canary',
            value: { stableVersion: '1', canaryVersion: '2', canaryWeight: 0.25, salt: 'a-model' },
          },
        }),
      ],
    }));
    expect((await cli('status')).stdout).toBe(
      'MODEL    GENERATION  STRATEGY  TRAFFIC       DETAILS\n' +
        'a-model          12  canary    1 75%, 2 25%  salt a-model\n' +
        'bc                3  replace   2 100%\n',
    );
  });

  it('status MODEL without a deployment says so', async () => {
    fake.on('getDeployment', async () => ({}));
    expect(await cli('status', 'bc')).toMatchObject({ code: 0, stdout: 'bc has no deployment\n' });
  });

  it('history passes model and limit, and shows registrations and changes', async () => {
    fake.on('history', async () => ({
      entries: [
        {
          time: timestampFromDate(new Date('2025-03-01T14:02:11.500Z')),
          actor: 'ann',
          reason: 'try v2',
          action: 'deploy',
          model: 'bc',
          deployment: replace(2n, '2'),
        },
        {
          time: timestampFromDate(new Date('2025-03-01T14:00:00Z')),
          actor: 'bob',
          action: 'register',
          model: 'bc',
          version: '2',
        },
      ],
    }));
    const result = await cli('history', 'bc', '--limit', '5');
    expect(fake.requests('history')).toEqual([
      expect.objectContaining({ model: 'bc', limit: 5 }),
    ] as Partial<HistoryRequest>[]);
    expect(result.stdout).toBe(
      'TIME                  MODEL  ACTION    CHANGE                        ACTOR  REASON\n' +
        '2025-03-01 14:02:11Z  bc     deploy    generation 2 replace: 2 100%  ann    try v2\n' +
        '2025-03-01 14:00:00Z  bc     register  2                             bob\n',
    );
    expect((await cli('history', '--limit', '0')).code).toBe(2);
  });

  it('models register sends an absolute path and the registrant', async () => {
    fake.on('registerModelVersion', async (request) => ({
      version: { model: request.model, version: request.version, sha256: 'ab'.repeat(32) },
    }));
    const result = await run(
      ['models', 'register', '--model', 'bc', '--version', '3', '--path', 'models/bc/3'],
      { env: { BALLAST_CONTROL: fake.address, USER: 'tester' }, cwd: '/srv' },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('registered bc version 3\n');
    expect(fake.requests('registerModelVersion')).toEqual([
      expect.objectContaining({ sourcePath: '/srv/models/bc/3' }),
    ]);
    const missing = await cli('models', 'register', '--model', 'bc', '--path', 'x');
    expect(missing).toMatchObject({ code: 2, stderr: 'ballast: option --version is required\n' });
  });

  it('models list shows a dash for models never deployed', async () => {
    fake.on('listModels', async () => ({
      models: [
        { name: 'bc', versions: ['1', '2'], deploymentGeneration: 4n },
        { name: 'wine', versions: ['1'], deploymentGeneration: 0n },
      ],
    }));
    expect((await cli('models', 'list')).stdout).toBe(
      'MODEL  VERSIONS  GENERATION\nbc     1, 2               4\nwine   1                  -\n',
    );
  });
});

describe('reaching the control plane', () => {
  it('names the address when nothing listens there, exit 3', async () => {
    // A port that was free a moment ago: bound, then released.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    const result = await run(['status', '--control', `127.0.0.1:${port}`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      new RegExp(`^ballast: control plane unreachable at 127\\.0\\.0\\.1:${port} `),
    );
  });

  it('says how to start the platform when no address is known', async () => {
    const result = await run(['models', 'list'], { env: {}, cwd: '/' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Start the platform with `npm start`');
  });
});

describe('the command line itself', () => {
  it("lists a group's commands when the subcommand is missing", async () => {
    const result = await run(['models']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("ballast: 'models' needs a subcommand");
    expect(result.stderr).toContain('  models list ');
    expect(result.stderr).not.toContain('  deploy ');
  });

  it('shows usage for --help without calling anything', async () => {
    const result = await run(['deploy', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ballast deploy MODEL --canary V --weight W');
    expect(result.stdout).toContain('--expected-generation N');
  });
});
