import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';

/** Options of `accessKeyUser`. */
export interface AccessKeyUserOptions {
  /** The user's name (account-wide: unique per app and environment). */
  readonly name: string;
  /** The user's one inline policy, as JSON. */
  readonly policy: string;
  /** The user's IAM path. */
  readonly path?: string;
  /** The AWS provider, when not the stack's default. */
  readonly provider?: TerraformProvider;
  /** Construct ids of the three resources (part of their Terraform addresses): `User`, `Policy`, `AccessKey` unless given. */
  readonly ids?: { readonly user?: string; readonly policy?: string; readonly key?: string };
}

/**
 * The credential of a program that runs outside AWS (a backup job, a droplet's agent, the app):
 * an IAM user with one inline policy and an access key, in `scope`.
 */
export function accessKeyUser(scope: Construct, o: AccessKeyUserOptions): { readonly user: IamUser; readonly key: IamAccessKey } {
  const user = new IamUser(scope, o.ids?.user ?? 'User', { provider: o.provider, name: o.name, path: o.path });
  new IamUserPolicy(scope, o.ids?.policy ?? 'Policy', { provider: o.provider, user: user.name, policy: o.policy });
  const key = new IamAccessKey(scope, o.ids?.key ?? 'AccessKey', { provider: o.provider, user: user.name });
  return { user, key };
}
