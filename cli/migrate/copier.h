// The copy behind `tap migrate`: one TAP database into another (SQLite → PostgreSQL is the
// case it exists for; any pair of backends works), verified afterwards.
//
// Order of work, and what makes it safe to re-run:
//  1. The source must be a TAP database at exactly the schema version of this build, holding no
//     table this build does not know, and every sealed value in it must open with the master
//     key (a wrong key stops here, before anything is written).
//  2. The target gets the schema through the store's own migrations (store::Migrator).
//  3. A target that holds rows is refused unless `force` (which empties it first). While a copy
//     is unfinished the target holds a bookkeeping table (tables.h kStateTable) naming the
//     source and the tables already copied.
//  4. Each table is copied in ONE target transaction that also records it as copied, so an
//     interruption leaves every table either complete or empty. Running again with the same
//     source resumes: copied tables are skipped, the rest are copied.
//  5. PostgreSQL sequences are moved past the copied ids; then the row counts of every table are
//     compared (source and target), every sealed value is opened in the target, and the
//     bookkeeping table is dropped. The source is read in one snapshot and never written.
#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "crypto/keyring.h"
#include "store/database.h"

#include <functional>

namespace tap::cli::migrate {

struct TableResult
{
    QString name;
    qint64 rows = 0; // rows in the target (copied now, or earlier when skipped)
    bool skipped = false; // copied by an earlier, interrupted run
};

struct Summary
{
    QList<TableResult> tables; // in copy order
    int schemaVersion = 0;
    bool resumed = false;
    bool forced = false; // the target held rows and was emptied
    qint64 rows = 0;
    qint64 sealedValues = 0; // opened in the target after the copy
};

class Copier
{
public:
    Copier(store::Database &source, store::Database &target, const crypto::KeyRing &keys,
           const core::Clock &clock)
        : m_source(source), m_target(target), m_keys(keys), m_clock(clock)
    {
    }

    // Progress: a table copied (or skipped); a remark such as "resuming …".
    std::function<void(const TableResult &)> onTable;
    std::function<void(const QString &)> onNote;
    // Runs inside a table's transaction after its rows are inserted, before the commit.
    std::function<void(const QString &table)> beforeCommit;

    core::Result<Summary> run(bool force);

private:
    core::Result<int> checkSource();
    core::Result<void> prepareTarget(bool force, Summary &summary);
    core::Result<void> resume();
    core::Result<void> startFresh(bool emptyFirst);
    core::Result<void> copyAll(Summary &summary);
    core::Result<qint64> copyTable(const QString &table);
    core::Result<void> verify(Summary &summary);
    QString identity() const;

    store::Database &m_source;
    store::Database &m_target;
    const crypto::KeyRing &m_keys;
    const core::Clock &m_clock;
    QHash<QString, qint64> m_done; // tables copied by an earlier run, with their row counts
};

} // namespace tap::cli::migrate
