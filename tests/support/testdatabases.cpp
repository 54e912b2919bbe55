#include "support/testdatabases.h"

#include <QAtomicInt>
#include <QSqlQuery>
#include <QTest>
#include <QUuid>

namespace tap::test {

namespace {

QString s_lastUrl;
QTemporaryDir *sqliteDir()
{
    static QTemporaryDir dir;
    return &dir;
}

} // namespace

void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

bool currentIsPostgres()
{
    QFETCH_GLOBAL(QString, backend); // Qt 6.4 has no QTest::currentGlobalDataTag()
    return backend == u"postgres";
}

void skipUnconfiguredBackend()
{
    if (currentIsPostgres() && qEnvironmentVariableIsEmpty("TAP_TEST_PG_URL")
        && !qEnvironmentVariableIntValue("TAP_REQUIRE_PG"))
        QTest::qSkip("PostgreSQL not configured (set TAP_TEST_PG_URL or run tests/run.sh)",
                     __FILE__, __LINE__);
}

std::shared_ptr<store::Database> freshDatabase()
{
    static QAtomicInt counter;
    const int n = counter.fetchAndAddRelaxed(1);
    QString url;
    if (!currentIsPostgres()) {
        url = QStringLiteral("sqlite:%1/test%2.db").arg(sqliteDir()->path()).arg(n);
    } else {
        const QString server = qEnvironmentVariable("TAP_TEST_PG_URL");
        if (server.isEmpty()) {
            if (qEnvironmentVariableIntValue("TAP_REQUIRE_PG"))
                QTest::qFail("TAP_TEST_PG_URL is not set but TAP_REQUIRE_PG=1", __FILE__, __LINE__);
            else
                QTest::qSkip("PostgreSQL not configured (set TAP_TEST_PG_URL or run tests/run.sh)",
                             __FILE__, __LINE__);
            return nullptr;
        }
        auto admin = store::DatabaseUrl::parse(server);
        if (!admin) {
            QTest::qFail("TAP_TEST_PG_URL is malformed", __FILE__, __LINE__);
            return nullptr;
        }
        auto adminDb = store::Database::open(admin.value());
        if (!adminDb) {
            QTest::qFail(qPrintable(adminDb.error().message()), __FILE__, __LINE__);
            return nullptr;
        }
        const QString name = QStringLiteral("t_%1_%2")
                                     .arg(QUuid::createUuid().toString(QUuid::Id128).left(12))
                                     .arg(n);
        if (auto r = adminDb.value()->exec(QStringLiteral("CREATE DATABASE ") + name); !r) {
            QTest::qFail(qPrintable(r.error().message()), __FILE__, __LINE__);
            return nullptr;
        }
        QString base = server;
        const qsizetype q = base.indexOf(u'?');
        const QString query = q < 0 ? QString() : base.mid(q);
        base = q < 0 ? base : base.left(q);
        url = base.left(base.lastIndexOf(u'/') + 1) + name + query;
    }
    s_lastUrl = url;
    auto parsed = store::DatabaseUrl::parse(url);
    auto db = store::Database::open(parsed.value());
    if (!db) {
        QTest::qFail(qPrintable(db.error().message()), __FILE__, __LINE__);
        return nullptr;
    }
    return db.value();
}

QString lastDatabaseUrl()
{
    return s_lastUrl;
}

} // namespace tap::test
