export * from './props';
export * from './s3-backup-vault';
export * from './spaces-backup-vault';
