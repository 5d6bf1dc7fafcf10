import { RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { defaultImages } from '../../lib/facts/images';
import { pascalCase } from '../../lib/util/strings';
import { PROJECT } from '../../lib/facts/names/stage';

/** Images each repository keeps: older ones expire (a rollback reaches back this many releases). */
export const IMAGES_KEPT = 50;

/**
 * `gigascale/auth`, ..., `gigascale/db-migrate`, `gigascale/probe`: gigascale's own images, the repositories of the
 * default image references in the region's ECR (lib/facts/images.ts), in IMAGE_KEYS order.
 */
export function ownImageRepositoryNames(): string[] {
  const names = Object.values(defaultImages('0.0.0'))
    .filter((reference) => reference.startsWith(`${PROJECT}/`))
    .map((reference) => reference.slice(0, reference.lastIndexOf(':')));
  return [...new Set(names)];
}

export interface ImageRepositoriesProps {
  /** Encrypts every image layer at rest. */
  readonly key: kms.IKey;
  /** Repository names. @default ownImageRepositoryNames() */
  readonly repositoryNames?: readonly string[];
  /** Images each repository keeps. @default IMAGES_KEPT */
  readonly imagesKept?: number;
}

/**
 * The region's ECR repositories for gigascale's own images: tags immutable (a release tag names one image
 * forever, so what a Deployment pins is what runs), scanned on push, encrypted with a customer-managed key,
 * expiring all but the newest images, and retained when the stack goes (running pods pull from them).
 */
export class ImageRepositories extends Construct {
  /** By repository name. */
  readonly repositories: ReadonlyMap<string, ecr.Repository>;

  constructor(scope: Construct, id: string, props: ImageRepositoriesProps) {
    super(scope, id);
    const kept = props.imagesKept ?? IMAGES_KEPT;
    const repositories = new Map<string, ecr.Repository>();
    for (const name of props.repositoryNames ?? ownImageRepositoryNames()) {
      repositories.set(
        name,
        new ecr.Repository(this, pascalCase(name.slice(name.indexOf('/') + 1)), {
          repositoryName: name,
          imageTagMutability: ecr.TagMutability.IMMUTABLE,
          imageScanOnPush: true,
          encryption: ecr.RepositoryEncryption.KMS,
          encryptionKey: props.key,
          lifecycleRules: [{ description: `Keep the newest ${kept} images`, maxImageCount: kept }],
          removalPolicy: RemovalPolicy.RETAIN,
          emptyOnDelete: false,
        }),
      );
    }
    this.repositories = repositories;
  }
}
