/*
 * schema.h — opening a results database (internal to src/record).
 *
 * schema_open is the one door to a database file, for the recorder
 * (writable: creates the schema in a new file) and for the report (read
 * only).  It refuses, with ASG_EIO and a message in *d:
 *   - a file it cannot open:      "cannot open 'x.db': <reason>"
 *   - a file that is not SQLite:  "cannot open 'x.db': file is not a database"
 *   - SQLite without our meta:    "'x.db' is not an asgdsim database"
 *   - another schema version:     "'x.db' has schema version 7, this asgdsim
 *                                  writes version 1" ("reads" when read only)
 * except that an older version opened writable is migrated when that is
 * safe (schema_migrate), and read only says how to migrate it.
 * A writable database is switched to WAL with synchronous=NORMAL; the
 * schema DDL lives in schema.c and is documented in docs/schema.md.
 */
#ifndef ASG_RECORD_SCHEMA_H
#define ASG_RECORD_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>

#include "../common/diag.h"

/* The page size of a new file, in bytes.  A run that records every update
 * waits for its writer thread (docs/performance.md, section 4); with
 * 16 KiB pages instead of SQLite's 4 KiB the writer and the checkpointer
 * make a quarter of the system calls, and such a run took 0.94-1.06 s
 * instead of 1.03-1.15 s (32 KiB and 64 KiB were no faster than 16 KiB).
 * A file keeps the page size it was created with. */
#define SCHEMA_PAGE_SIZE 16384

/* The schema's DDL (idempotent: IF NOT EXISTS, OR IGNORE), and the
 * statement that sets meta.schema_version to this version. */
extern const char schema_ddl[];
extern const char schema_version_update[];

/* The CREATE VIEW of updates_by_run alone (also in schema_ddl), for
 * tests that build a database of their own. */
extern const char schema_updates_by_run[];

/* Bring db, of an older schema version, to this one when only tables and
 * columns were added since (migrate.c); else ASG_EIO naming the first
 * difference, and the file is left as it was. */
asg_status schema_migrate(sqlite3 *db, const char *path, struct diag *d);

/* Open the database at path; NULL with a message in *d on failure. */
sqlite3 *schema_open(const char *path, bool writable, struct diag *d);

/* Why a SQLite call on db failed: the system's reason when there is one
 * ("no such file or directory", "file too large", "no space left on
 * device"), written into buf, else SQLite's message. */
const char *schema_reason(sqlite3 *db, char *buf, size_t size);

/* The status for a failed SQLite call: ASG_ENOMEM or ASG_EIO. */
asg_status schema_status(int sqlite_rc);

#endif
