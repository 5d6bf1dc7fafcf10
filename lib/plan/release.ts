/**
 * What a synth that is about to write deployable templates checks beyond the config's validity: from phase 4 an
 * environment serves production traffic, so it runs every image by digest. A tag can be moved to another image (in
 * Docker Hub, or in any registry without tag immutability), and a node that pulls again on a scale-out would then run
 * something no deploy chose. The capacity planner (`npm run -s plan`) does not ask: it plans any phase of any config.
 */
import { version } from '../../package.json';
import { servesProductionTraffic } from '../facts/phases';
import { defaultImages, imageDigest, IMAGE_KEYS } from '../facts/images';
import type { Issue } from '../util/errors';
import type { EnvironmentPlan } from './plan';

/** The images of every environment from phase 4 that name a tag only: each configured one, and the defaults together. */
export function imageDigestIssues(environments: readonly EnvironmentPlan[]): Issue[] {
  const defaults = defaultImages(version);
  return environments.flatMap((env): Issue[] => {
    if (!servesProductionTraffic(env.phase)) return [];
    const at = `environments.${env.name}.compute.images`;
    const production = `phase ${env.phase} serves production traffic, which runs images only by digest`;
    const undigested = IMAGE_KEYS.filter((key) => imageDigest(env.compute.images[key]) === undefined);
    const configured = undigested.filter((key) => env.compute.images[key] !== defaults[key]);
    const defaulted = undigested.filter((key) => env.compute.images[key] === defaults[key]);
    return [
      ...configured.map((key) => ({
        at: `${at}.${key}`,
        message: `${production}: pin it as ${JSON.stringify(`${env.compute.images[key]}@sha256:<64 hex>`)}, the digest the registry returned when it was pushed`,
      })),
      ...(defaulted.length === 0
        ? []
        : [
            {
              at,
              message:
                `${production}, and the defaults of ${defaulted.join(', ')} name a tag only (${defaults[defaulted[0]]}, ...): ` +
                'list each as <name>:<tag>@sha256:<64 hex>, with the digest your release pushed to ECR',
            },
          ]),
    ];
  });
}
