/**
 * A tag that says what a bucket holds when that is not data worth estimating
 * by the default storage assumption (the cost estimate reads it).
 */
export const CONTENTS_TAG = 'erp:contents';

/** `CONTENTS_TAG` of a release store: the desired state of droplets, well under 1 MiB. */
export const RELEASE_STATE_CONTENTS = 'release-state';

/** `CONTENTS_TAG` of an app files bucket: the app's own files (uploads), priced by the storage assumption, never backups. */
export const APP_FILES_CONTENTS = 'app-files';

/** `CONTENTS_TAG` of a backup vault (a bucket without the tag may hold backups too). */
export const BACKUP_CONTENTS = 'backups';
