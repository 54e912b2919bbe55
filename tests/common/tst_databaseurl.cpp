// DatabaseUrl::parse() and redacted(): the --database value of tapd and the console.

#include "store/databaseurl.h"

#include <QTest>
#include <QUrl>

using tap::core::ErrorCode;
using tap::store::Backend;
using tap::store::DatabaseUrl;

class TestDatabaseUrl : public QObject
{
    Q_OBJECT

private slots:
    void sqlite_data();
    void sqlite();
    void postgres_data();
    void postgres();
    void rejected_data();
    void rejected();
    void redacted_data();
    void redacted();
};

void TestDatabaseUrl::sqlite_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("path");

    QTest::newRow("relative") << QStringLiteral("sqlite:tap.db") << QStringLiteral("tap.db");
    QTest::newRow("relative dir") << QStringLiteral("sqlite:data/tap.db")
                                  << QStringLiteral("data/tap.db");
    QTest::newRow("absolute") << QStringLiteral("sqlite:/var/lib/tap/tap.db")
                              << QStringLiteral("/var/lib/tap/tap.db");
    QTest::newRow("triple slash") << QStringLiteral("sqlite:///var/lib/tap/tap.db")
                                  << QStringLiteral("/var/lib/tap/tap.db");
    QTest::newRow("spaces kept") << QStringLiteral("sqlite:/tmp/my dir/tap.db")
                                 << QStringLiteral("/tmp/my dir/tap.db");
}

void TestDatabaseUrl::sqlite()
{
    QFETCH(QString, url);
    QFETCH(QString, path);

    const auto parsed = DatabaseUrl::parse(url);
    QVERIFY2(parsed.ok(), qPrintable(parsed ? QString() : parsed.error().message()));
    QCOMPARE(parsed->backend, Backend::Sqlite);
    QCOMPARE(parsed->path, path);
    QVERIFY(parsed->host.isEmpty());
    QVERIFY(parsed->password.isEmpty());
}

void TestDatabaseUrl::postgres_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("databaseName");
    QTest::addColumn<QStringList>("options"); // besides connect_timeout=5

    QTest::newRow("full") << QStringLiteral("postgres://tap:s3cret@db.example.com:6543/tapdb")
                          << QStringLiteral("tap") << QStringLiteral("s3cret")
                          << QStringLiteral("db.example.com") << 6543 << QStringLiteral("tapdb")
                          << QStringList();
    QTest::newRow("postgresql scheme")
            << QStringLiteral("postgresql://tap:pw@10.0.0.5:5433/tap") << QStringLiteral("tap")
            << QStringLiteral("pw") << QStringLiteral("10.0.0.5") << 5433 << QStringLiteral("tap")
            << QStringList();
    QTest::newRow("default port") << QStringLiteral("postgres://tap:pw@localhost/tap")
                                  << QStringLiteral("tap") << QStringLiteral("pw")
                                  << QStringLiteral("localhost") << 5432 << QStringLiteral("tap")
                                  << QStringList();
    QTest::newRow("no password") << QStringLiteral("postgres://tap@localhost:5432/tap")
                                 << QStringLiteral("tap") << QString()
                                 << QStringLiteral("localhost") << 5432 << QStringLiteral("tap")
                                 << QStringList();
    QTest::newRow("percent-encoded password")
            << QStringLiteral("postgres://tap:p%40ss%3Aw%2Frd%25%20x@localhost/tap")
            << QStringLiteral("tap") << QStringLiteral("p@ss:w/rd% x")
            << QStringLiteral("localhost") << 5432 << QStringLiteral("tap") << QStringList();
    QTest::newRow("percent-encoded user and db")
            << QStringLiteral("postgres://t%40p:pw@localhost/my%2Ddb") << QStringLiteral("t@p")
            << QStringLiteral("pw") << QStringLiteral("localhost") << 5432
            << QStringLiteral("my-db") << QStringList();
    QTest::newRow("ipv6 host") << QStringLiteral("postgres://tap:pw@[::1]:5432/tap")
                               << QStringLiteral("tap") << QStringLiteral("pw")
                               << QStringLiteral("::1") << 5432 << QStringLiteral("tap")
                               << QStringList();
    QTest::newRow("sslmode") << QStringLiteral("postgres://tap:pw@db:5432/tap?sslmode=require")
                             << QStringLiteral("tap") << QStringLiteral("pw")
                             << QStringLiteral("db") << 5432 << QStringLiteral("tap")
                             << QStringList{ QStringLiteral("sslmode=require") };
    QTest::newRow("two options") << QStringLiteral(
            "postgres://tap:pw@db/tap?sslmode=verify-full&application_name=tapd")
                                 << QStringLiteral("tap") << QStringLiteral("pw")
                                 << QStringLiteral("db") << 5432 << QStringLiteral("tap")
                                 << QStringList{ QStringLiteral("sslmode=verify-full"),
                                                 QStringLiteral("application_name=tapd") };
    QTest::newRow("socket dir overrides host")
            << QStringLiteral("postgres://tap@localhost/tap?host=/run/postgresql")
            << QStringLiteral("tap") << QString() << QStringLiteral("/run/postgresql") << 5432
            << QStringLiteral("tap") << QStringList();
    QTest::newRow("socket dir, empty host")
            << QStringLiteral("postgres://tap@/tap?host=/run/postgresql") << QStringLiteral("tap")
            << QString() << QStringLiteral("/run/postgresql") << 5432 << QStringLiteral("tap")
            << QStringList();
    QTest::newRow("socket dir, no authority")
            << QStringLiteral("postgresql:///tap?host=/run/postgresql") << QString() << QString()
            << QStringLiteral("/run/postgresql") << 5432 << QStringLiteral("tap") << QStringList();
    QTest::newRow("socket dir and sslmode")
            << QStringLiteral("postgres://tap@/tap?host=%2Frun%2Fpostgresql&sslmode=disable")
            << QStringLiteral("tap") << QString() << QStringLiteral("/run/postgresql") << 5432
            << QStringLiteral("tap") << QStringList{ QStringLiteral("sslmode=disable") };
}

void TestDatabaseUrl::postgres()
{
    QFETCH(QString, url);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, databaseName);
    QFETCH(QStringList, options);

    const auto parsed = DatabaseUrl::parse(url);
    QVERIFY2(parsed.ok(), qPrintable(parsed ? QString() : parsed.error().message()));
    QCOMPARE(parsed->backend, Backend::Postgres);
    QCOMPARE(parsed->user, user);
    QCOMPARE(parsed->password, password);
    QCOMPARE(parsed->host, host);
    QCOMPARE(parsed->port, port);
    QCOMPARE(parsed->databaseName, databaseName);
    QVERIFY(parsed->path.isEmpty());

    // A bounded connect timeout always comes first, then the URL's options in order.
    QStringList expected{ QStringLiteral("connect_timeout=5") };
    expected += options;
    QCOMPARE(parsed->connectOptions.split(u';'), expected);
    // The host option is consumed, never handed to libpq a second time.
    QVERIFY(!parsed->connectOptions.contains(u"host="));
}

void TestDatabaseUrl::rejected_data()
{
    QTest::addColumn<QString>("url");

    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << QStringLiteral("   ");
    QTest::newRow("bare path") << QStringLiteral("/var/lib/tap/tap.db");
    QTest::newRow("unknown scheme") << QStringLiteral("mysql://tap:pw@localhost/tap");
    QTest::newRow("http") << QStringLiteral("http://localhost/tap");
    QTest::newRow("postgres without slashes") << QStringLiteral("postgres:tap");
    QTest::newRow("sqlite without path") << QStringLiteral("sqlite:");
    QTest::newRow("sqlite slashes only") << QStringLiteral("sqlite://");
    QTest::newRow("no database") << QStringLiteral("postgres://tap:pw@localhost");
    QTest::newRow("empty database") << QStringLiteral("postgres://tap:pw@localhost:5432/");
    QTest::newRow("two path segments") << QStringLiteral("postgres://tap:pw@localhost/tap/x");
    QTest::newRow("no host") << QStringLiteral("postgres://tap:pw@/tap");
    QTest::newRow("port too big") << QStringLiteral("postgres://tap:pw@localhost:70000/tap");
    QTest::newRow("port zero") << QStringLiteral("postgres://tap:pw@localhost:0/tap");
    QTest::newRow("port not a number") << QStringLiteral("postgres://tap:pw@localhost:abc/tap");
    QTest::newRow("negative port") << QStringLiteral("postgres://tap:pw@localhost:-1/tap");
    QTest::newRow("option with semicolon")
            << QStringLiteral("postgres://tap:pw@localhost/tap?sslmode=require%3Bhost%3Devil");
    // QPSQL hands the options to libpq space-separated and unquoted: a space in a value
    // would add another keyword (here a different server) behind redacted()'s back.
    QTest::newRow("option value with space")
            << QStringLiteral("postgres://tap:pw@localhost/tap?sslmode=require%20host%3Devil");
    QTest::newRow("option value with quote")
            << QStringLiteral("postgres://tap:pw@localhost/tap?application_name=a%27b");
    QTest::newRow("option value with backslash")
            << QStringLiteral("postgres://tap:pw@localhost/tap?application_name=a%5Cb");
    QTest::newRow("option key with space")
            << QStringLiteral("postgres://tap:pw@localhost/tap?ssl%20mode=require");
    QTest::newRow("option without key") << QStringLiteral("postgres://tap:pw@localhost/tap?=x");
}

void TestDatabaseUrl::rejected()
{
    QFETCH(QString, url);

    const auto parsed = DatabaseUrl::parse(url);
    QVERIFY2(!parsed.ok(), qPrintable(QStringLiteral("accepted: ") + url));
    QCOMPARE(parsed.error().code(), ErrorCode::InvalidRequest);
    QVERIFY2(parsed.error().message().startsWith(u"Invalid database URL"),
             qPrintable(parsed.error().message()));
}

void TestDatabaseUrl::redacted_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("expected");

    QTest::newRow("password") << QStringLiteral("postgres://tap:hunter2@db.example.com:6543/tap")
                              << QStringLiteral("hunter2")
                              << QStringLiteral("postgres://tap:***@db.example.com:6543/tap");
    QTest::newRow("encoded password")
            << QStringLiteral("postgresql://tap:p%40ss%3Aword@db/tap?sslmode=require")
            << QStringLiteral("p@ss:word") << QStringLiteral("postgres://tap:***@db:5432/tap");
    QTest::newRow("no password") << QStringLiteral("postgres://tap@db/tap") << QString()
                                 << QStringLiteral("postgres://tap@db:5432/tap");
    QTest::newRow("sqlite") << QStringLiteral("sqlite:///var/lib/tap/tap.db") << QString()
                            << QStringLiteral("sqlite:/var/lib/tap/tap.db");
}

void TestDatabaseUrl::redacted()
{
    QFETCH(QString, url);
    QFETCH(QString, password);
    QFETCH(QString, expected);

    const auto parsed = DatabaseUrl::parse(url);
    QVERIFY2(parsed.ok(), qPrintable(parsed ? QString() : parsed.error().message()));
    QCOMPARE(parsed->password, password);
    const QString text = parsed->redacted();
    QCOMPARE(text, expected);
    if (!password.isEmpty()) {
        QVERIFY(!text.contains(password));
        // Nor any recognisable piece of it (the encoded form, or the part before a separator).
        QVERIFY(!text.contains(QString::fromLatin1(QUrl::toPercentEncoding(password))));
        QVERIFY(!text.contains(password.left(4)));
    }
    // The redacted form is itself a valid URL for the same database.
    const auto again = DatabaseUrl::parse(text);
    QVERIFY(again.ok());
    QCOMPARE(again->backend, parsed->backend);
    QCOMPARE(again->databaseName, parsed->databaseName);
    QCOMPARE(again->path, parsed->path);
}

QTEST_GUILESS_MAIN(TestDatabaseUrl)
#include "tst_databaseurl.moc"
