import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { list } from '../../private/values';
import { CheckSeverity } from '../../rule';

/** True when a policy document (JSON text) has an Allow statement for Principal "*". */
function allowsEveryone(policy: unknown): boolean {
  if (typeof policy !== 'string') return false;
  try {
    const doc = JSON.parse(policy);
    return list<any>(doc.Statement).some((s) => s.Effect === 'Allow' && (s.Principal === '*' || list(s.Principal?.AWS).includes('*')));
  } catch {
    return false;
  }
}

/**
 * ERP-DO-8: Spaces buckets are private: their ACL is `private` (or left at that default) and
 * no bucket policy allows Principal "*".
 *
 * Spaces has no public access block like S3's, so the ACL and the policy are the only guard
 * between backups and anyone with the bucket's URL.
 */
export class SpacesPrivate extends ErpRule {
  public readonly id = 'ERP-DO-8';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Spaces buckets are private: ACL private and no policy that allows everyone.';
  public readonly fix = 'set acl "private" (the default; SpacesBackupVault sets it) and remove Allow statements for Principal "*"';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const b of m.ofType('digitalocean_spaces_bucket')) {
      if (b.config.acl !== undefined && b.config.acl !== 'private') out.push(this.finding(b, `the Space's ACL is ${JSON.stringify(b.config.acl)}: anyone can list or read it`));
    }
    for (const pol of m.ofType('digitalocean_spaces_bucket_policy')) {
      if (allowsEveryone(pol.config.policy)) out.push(this.finding(pol, 'the Space\'s policy allows Principal "*"'));
    }
    return out;
  }
}
