import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { CheckSeverity } from '../../rule';

/**
 * ERP-RDS-1: RDS instances are not publicly accessible, encrypt their storage (read replicas
 * inherit it from their source) and keep automated backups.
 *
 * These are the three settings of an `aws_db_instance` that expose or lose the data; none
 * of them is a safe default on every engine and account.
 */
export class RdsInstanceSafe extends ErpRule {
  public readonly id = 'ERP-RDS-1';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'RDS instances are private, encrypted at rest and keep automated backups.';
  public readonly fix = 'set publicly_accessible false, storage_encrypted true and backup_retention_period 1 or more (RdsDatabase does this)';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const db of m.ofType('aws_db_instance')) {
      if (db.config.publicly_accessible === true) out.push(this.finding(db, 'the instance is publicly accessible'));
      if (db.config.storage_encrypted !== true && db.config.replicate_source_db === undefined) out.push(this.finding(db, 'storage is not encrypted'));
      if (db.config.backup_retention_period === 0) out.push(this.finding(db, 'automated backups are off (backup_retention_period 0)'));
    }
    return out;
  }
}
