/** The CDK CLI as the tests run it: this checkout's `cdk`, offline, with no AWS or CDK setting of the machine. */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/plan/cdk-json';

export const CDK = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');

/** Environment without AWS credentials or profile, so a synth that needed them would fail here. */
export function offlineEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|CDK_)/.test(k)));
  return { ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_EC2_METADATA_DISABLED: 'true', NODE_ENV: '' };
}
