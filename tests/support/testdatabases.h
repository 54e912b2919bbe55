#pragma once

#include "store/database.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace tap::test {

// The backends every store test runs on. Use in initTestCase_data():
//     tap::test::addBackendRows();
// and in a test: auto db = tap::test::freshDatabase(); (QFETCH-free, reads the global row).
//
// PostgreSQL comes from TAP_TEST_PG_URL (tests/run.sh starts a private server and sets it).
// Without it the PostgreSQL row is skipped, unless TAP_REQUIRE_PG=1 makes that a failure.
void addBackendRows();

// True if the current global data row is the PostgreSQL one.
bool currentIsPostgres();

// For the init() of tests that start tapd on the current row's backend: skips the PostgreSQL
// row when TAP_TEST_PG_URL is not set (unless TAP_REQUIRE_PG=1: then tapd's start fails it).
void skipUnconfiguredBackend();

// An empty database of the current row's backend: a new SQLite file in a temporary directory,
// or a new PostgreSQL database (created through TAP_TEST_PG_URL's server). Returns null and
// records a skip/failure if the backend is not available.
std::shared_ptr<store::Database> freshDatabase();

// The URL of the database freshDatabase() last made (for reopening it, e.g. from a process).
QString lastDatabaseUrl();

} // namespace tap::test
