#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "store/database.h"

namespace tap::store {

// Applies the versioned migrations shipped in the binary (:/migrations/<backend>/NNNN_name.sql)
// in order, each in its own transaction, recording them in schema_version. A failing migration
// is rolled back and reported; start-up must stop on it. A database that is newer than this
// binary is refused rather than used.
//
// Concurrent start-ups are serialised: PostgreSQL with an advisory lock, SQLite with
// BEGIN IMMEDIATE.
class Migrator
{
public:
    struct Migration
    {
        int version;
        QString name;
        QStringList statements;
    };

    Migrator(Database &db, const core::Clock &clock) : m_db(db), m_clock(clock) { }

    static QList<Migration> available(Backend backend);
    core::Result<int> currentVersion();
    // Returns the schema version after migrating.
    core::Result<int> migrate();

    static QStringList splitStatements(const QString &script);

private:
    core::Result<void> apply(const Migration &m);

    Database &m_db;
    const core::Clock &m_clock;
};

} // namespace tap::store
