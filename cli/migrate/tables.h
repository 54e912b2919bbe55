// The tables of the TAP schema as `tap migrate` sees them: their dependency order, listing and
// counting them on either backend, and copying one table's rows between two databases.
// Part of tap_cli_migrate, the one piece of `tap` that links the store (cli/CMakeLists.txt).
#pragma once

#include "core/result.h"
#include "store/database.h"

#include <QStringList>

#include <functional>

namespace tap::cli::migrate {

// Every table of the latest schema except schema_version, parents before children (a row's
// foreign keys point only at tables earlier in the list). A table that exists in a database
// but not here makes `tap migrate` refuse to run: copy "every table" or nothing.
const QStringList &tableOrder();

// The bookkeeping table on the target while a migration is unfinished (dropped at the end).
inline constexpr auto kStateTable = "tap_migrate_state";

core::Result<QStringList> listTables(store::Database &db);
core::Result<qint64> countRows(store::Database &db, const QString &table);
core::Result<int> schemaVersion(store::Database &db);

// Copies every row of `table` from `source` into `target` on the current connections, inside
// whatever transactions the caller holds; returns the number of rows inserted. Columns are
// matched by name (both databases are at the same schema version).
core::Result<qint64> copyRows(store::Database &source, store::Database &target,
                              const QString &table);

// PostgreSQL: moves every serial column's sequence past the largest copied value, so that new
// rows do not collide with copied ids. SQLite tracks AUTOINCREMENT by itself.
core::Result<void> advanceSequences(store::Database &target);

// The first line of a driver error, without "ERROR:" (no DETAIL line: it may quote values).
QString driverReason(const class QSqlError &error);

} // namespace tap::cli::migrate
