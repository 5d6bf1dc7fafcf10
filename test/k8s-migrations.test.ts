/** The migrations chart: one locked-down Job per shard that runs bin/migrate.ts against the shard's writer. */
import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { MigrationsChart, type MigrationsChartProps } from '../k8s';
import { GigascaleError } from '../lib/util/errors';
import { shardEndpointName, shardName, shardSecretName } from '../lib/facts/names/data';

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/gigascale-migrate@sha256:${'a'.repeat(64)}`;

const shard = (n: number) => ({
  name: shardName(n),
  writerHost: shardEndpointName('prod', n, 'writer'),
  secretName: shardSecretName('prod', n),
});

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a Kubernetes manifest, asserted field by field
  automountServiceAccountToken?: boolean;
}

function synth(props: Partial<MigrationsChartProps> = {}): Manifest[] {
  const chart = new MigrationsChart(Testing.app(), 'Migrations', { image: IMAGE, shards: [shard(0), shard(7)], ...props });
  return Testing.synth(chart) as Manifest[];
}

const jobs = (manifests: Manifest[]) => manifests.filter((m) => m.kind === 'Job');

describe('MigrationsChart', () => {
  it('makes one Job per shard, named after the shard, in the namespace', () => {
    const m = synth({ namespace: 'data-ops' });
    expect(jobs(m).map((j) => [j.metadata.name, j.metadata.namespace, j.metadata.labels?.['gigascale/shard']])).toEqual([
      ['migrate-shard-0000', 'data-ops', 'shard-0000'],
      ['migrate-shard-0007', 'data-ops', 'shard-0007'],
    ]);
    expect(m.map((x) => x.kind).sort()).toEqual(['Job', 'Job', 'ServiceAccount']);
  });

  it('runs the runner with the configured partition count from the image working directory', () => {
    const container = jobs(synth({ memoryPartitions: 16 }))[1].spec.template.spec.containers[0];
    expect(container).toMatchObject({
      name: 'migrate',
      image: IMAGE,
      workingDir: '/app',
      command: ['node', '--import', 'tsx', 'bin/migrate.ts'],
      args: ['--dir', 'db/migrations', '--memory-partitions', '16'],
    });
  });

  it('defaults to 10 partitions and the gigascale namespace', () => {
    const [job] = jobs(synth());
    expect(job.metadata.namespace).toBe('gigascale');
    expect(job.spec.template.spec.containers[0].args).toEqual(['--dir', 'db/migrations', '--memory-partitions', '10']);
  });

  it("connects to the shard's writer with TLS verified and credentials from the shard's Secret", () => {
    const env = jobs(synth())[1].spec.template.spec.containers[0].env;
    const secretRef = (key: string) => ({ valueFrom: { secretKeyRef: { name: 'gigascale-prod-shard-0007-master', key } } });
    expect(env).toEqual([
      { name: 'PGHOST', value: 'writer.shard-0007.db.prod.gigascale.internal' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'gigascale' },
      { name: 'PGUSER', ...secretRef('username') },
      { name: 'PGPASSWORD', ...secretRef('password') },
      { name: 'PGSSLMODE', value: 'verify-ca' },
    ]);
  });

  it('runs non-root on a read-only root filesystem, without privilege escalation or capabilities', () => {
    const pod = jobs(synth())[0].spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].volumeMounts).toEqual([
      { mountPath: '/tmp', name: 'tmp' },
      { mountPath: '/mnt/secrets-store', name: 'secrets-store', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      {
        name: 'secrets-store',
        csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'gigascale-prod-shard-0000-master' } },
      },
    ]);
  });

  it('runs as the fixed service account, which mounts no API token', () => {
    const m = synth();
    expect(m.find((x) => x.kind === 'ServiceAccount')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'gigascale-migrations', namespace: 'gigascale' },
      automountServiceAccountToken: false,
    });
    for (const job of jobs(m)) {
      expect(job.spec.template.spec).toMatchObject({ serviceAccountName: 'gigascale-migrations', automountServiceAccountToken: false });
    }
  });

  it('bounds retries, run time, resources and how long a finished Job is kept', () => {
    const [job] = jobs(synth({ activeDeadline: Duration.minutes(30) }));
    expect(job.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 1800, ttlSecondsAfterFinished: 3600 });
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } });
  });

  it('defaults the run time limit to two hours', () => {
    expect(jobs(synth())[0].spec.activeDeadlineSeconds).toBe(7200);
  });

  it('refuses bad props all at once, naming each prop, the value received and the value allowed', () => {
    const props: MigrationsChartProps = {
      image: ' ',
      namespace: 'Data_Ops',
      memoryPartitions: 0,
      shards: [
        { name: 'shard-0001', writerHost: 'Writer Host', secretName: '///' },
        { name: 'shard-0001', writerHost: 'ok.example.com', secretName: 'gigascale/prod/shard-0001/master' },
        { name: `shard-${'9'.repeat(60)}`, writerHost: 'ok.example.com', secretName: 'x' },
      ],
    };
    expect(() => new MigrationsChart(Testing.app(), 'Migrations', props)).toThrow(
      new GigascaleError('Invalid MigrationsChart props', [
        { at: 'Migrations image', message: 'must be an image URI without spaces, got " "' },
        { at: 'Migrations namespace', message: 'must be a DNS-1123 label, got "Data_Ops"' },
        { at: 'Migrations memoryPartitions', message: 'must be an integer in 1..256, got 0' },
        { at: 'Migrations shards[0].writerHost', message: 'must be a lower-case host name, got "Writer Host"' },
        { at: 'Migrations shards[0].secretName', message: 'must map to a valid Kubernetes Secret name, got "///" -> ""' },
        { at: 'Migrations shards[1].name', message: 'shard-0001 is listed twice' },
        {
          at: 'Migrations shards[2].name',
          message: `must make a Job name migrate-shard-${'9'.repeat(60)} that is a DNS-1123 label of at most 63 characters, got "shard-${'9'.repeat(60)}"`,
        },
      ]),
    );
  });

  it('refuses an empty shard list', () => {
    expect(() => new MigrationsChart(Testing.app(), 'Migrations', { image: IMAGE, shards: [] })).toThrow(
      'Invalid MigrationsChart props (1 problem):\n  - Migrations shards: must list at least one shard',
    );
  });
});
