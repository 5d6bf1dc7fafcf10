import { RemovalPolicy } from 'aws-cdk-lib';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { cacheUsers, DISABLED_DEFAULT_ACCESS, PROBE_CACHE_ACCESS } from '../../lib/facts/cache-acl';
import { cacheDefaultUserId, cacheDefaultUserSecretName, cacheProbeUserName, cacheUserGroupId, cacheUserName } from '../../lib/facts/names/cache';
import { pascalCase } from '../../lib/util/strings';
import type { ServiceName } from '../../lib/facts/services';

export interface ValkeyUsersProps {
  /** Environment name; part of every user id and of the group id. */
  readonly environment: string;
  /** Engine of the users and of the group (the plan's `cache.engine`, `valkey`). */
  readonly engine: string;
  /** Customer-managed key that encrypts the secret holding the `default` user's password. */
  readonly key: kms.IKey;
}

/**
 * The RBAC user group of a region's cache: a switched-off `default` user, one IAM-authenticated user per service
 * with a cache key prefix (lib/facts/cache-acl.ts) and one for the synthetic probe. Services connect with a 15-minute IAM token as their own user, and
 * their ACL confines them to their key prefix; no service has a password. ElastiCache users and groups are
 * per account and region, so every id carries the environment.
 */
export class ValkeyUsers extends Construct {
  readonly userGroup: elasticache.CfnUserGroup;
  /** The group's `default` user: switched off, no keys, no channels, no commands. */
  readonly defaultUser: elasticache.CfnUser;
  /** Holds the `default` user's password, which no client is ever given. */
  readonly defaultUserSecret: secretsmanager.Secret;
  /** The IAM-authenticated user of every service with a cache key prefix. */
  readonly serviceUsers: ReadonlyMap<ServiceName, elasticache.CfnUser>;
  /** The synthetic probe's IAM-authenticated user: GET and SET on its own prefix only. */
  readonly probeUser: elasticache.CfnUser;

  constructor(scope: Construct, id: string, props: ValkeyUsersProps) {
    super(scope, id);
    const { environment, engine, key } = props;

    // Every user group must hold a user named `default`: it is who a connection is before AUTH/HELLO. A user group of
    // engine valkey may hold only users that authenticate with a password or IAM (ElastiCache User Guide, "Role-Based
    // Access Control (RBAC)"), so `no-password-required` is refused; and IAM needs the user id to equal the user
    // name, which `default` cannot have (that id is ElastiCache's own open default user). Hence a password user
    // whose access string is `off`: the engine refuses to authenticate a disabled user whatever the password, so the
    // random password below protects nothing and is never handed to a client.
    this.defaultUserSecret = new secretsmanager.Secret(this, 'DefaultUserPassword', {
      secretName: cacheDefaultUserSecretName(environment),
      description: `Password of the disabled default user of ${cacheUserGroupId(environment)} (never used by clients)`,
      encryptionKey: key,
      // ElastiCache passwords: 16..128 printable characters; letters and digits avoid its forbidden punctuation.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // It guards a user that cannot log in; nothing is lost with it.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.defaultUser = new elasticache.CfnUser(this, 'DefaultUser', {
      userId: cacheDefaultUserId(environment),
      userName: 'default',
      engine,
      accessString: DISABLED_DEFAULT_ACCESS,
      authenticationMode: { Type: 'password', Passwords: [this.defaultUserSecret.secretValue.unsafeUnwrap()] },
    });

    const serviceUsers = new Map<ServiceName, elasticache.CfnUser>();
    for (const { service, accessString } of cacheUsers()) {
      const name = cacheUserName(environment, service);
      serviceUsers.set(
        service,
        new elasticache.CfnUser(this, `${pascalCase(service)}User`, {
          // IAM authentication requires the user id and the user name to be equal.
          userId: name,
          userName: name,
          engine,
          accessString,
          authenticationMode: { Type: 'iam' },
        }),
      );
    }
    this.serviceUsers = serviceUsers;

    const probe = cacheProbeUserName(environment);
    this.probeUser = new elasticache.CfnUser(this, 'ProbeUser', { userId: probe, userName: probe, engine, accessString: PROBE_CACHE_ACCESS, authenticationMode: { Type: 'iam' } });

    const members = [this.defaultUser, ...serviceUsers.values(), this.probeUser];
    this.userGroup = new elasticache.CfnUserGroup(this, 'UserGroup', {
      userGroupId: cacheUserGroupId(environment),
      engine,
      userIds: members.map((u) => u.userId),
    });
    // The ids are literal (names are API), so the order the users must exist in is stated here.
    for (const user of members) this.userGroup.addResourceDependency(user);
  }
}
