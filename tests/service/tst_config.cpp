// Tests for tapd's configuration parsing (service/app/config.cpp).
#include "app/config.h"

#include <QTest>

using tap::app::Config;
using namespace Qt::Literals::StringLiterals;

class TestConfig : public QObject
{
    Q_OBJECT

private:
    static QProcessEnvironment
    env(std::initializer_list<std::pair<const char *, const char *>> vars)
    {
        QProcessEnvironment e;
        e.insert(QStringLiteral("HOME"), QStringLiteral("/home/alice"));
        for (const auto &[k, v] : vars)
            e.insert(QString::fromLatin1(k), QString::fromLatin1(v));
        return e;
    }

private slots:
    void defaults()
    {
        auto parsed = Config::parse({}, env({}));
        QVERIFY(parsed.ok());
        const Config &c = parsed->config;
        QCOMPARE(parsed->action, Config::Action::Run);
        QCOMPARE(c.listenAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(c.listenPort, quint16(8080));
        QCOMPARE(c.dataDir, QStringLiteral("/home/alice/.local/share/tap"));
        QCOMPARE(c.database.path, QStringLiteral("/home/alice/.local/share/tap/tap.db"));
        QCOMPARE(c.masterKeyFile, QStringLiteral("/home/alice/.local/share/tap/master.key"));
        QCOMPARE(c.publicUrl.toString(), QStringLiteral("http://127.0.0.1:8080"));
        QCOMPARE(c.mailOutbox, QStringLiteral("/home/alice/.local/share/tap/outbox"));
        QCOMPARE(c.forwardTimeoutS, 30);
        QCOMPARE(c.approvalTimeoutS, 3600);
        QCOMPARE(c.maxBodyBytes, qint64(10485760));
        QVERIFY(!c.allowPrivateTargets);
        QVERIFY(c.workers >= 1);
        QCOMPARE(c.telegramApiBase.toString(), QStringLiteral("https://api.telegram.org"));
    }

    void xdgDataHome()
    {
        auto parsed = Config::parse({}, env({ { "XDG_DATA_HOME", "/xdg" } }));
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->config.dataDir, QStringLiteral("/xdg/tap"));
    }

    void flagsWinOverEnvironment()
    {
        auto parsed =
                Config::parse({ QStringLiteral("--listen"), QStringLiteral("0.0.0.0:9000"),
                                QStringLiteral("--workers"), QStringLiteral("3") },
                              env({ { "TAP_LISTEN", "127.0.0.1:7000" }, { "TAP_WORKERS", "5" } }));
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->config.listenPort, quint16(9000));
        QCOMPARE(parsed->config.workers, 3);
        auto fromEnv = Config::parse(
                {}, env({ { "TAP_LISTEN", "127.0.0.1:7000" }, { "TAP_WORKERS", "5" } }));
        QVERIFY(fromEnv.ok());
        QCOMPARE(fromEnv->config.listenPort, quint16(7000));
        QCOMPARE(fromEnv->config.workers, 5);
    }

    void everyOptionHasAFlagAndAVariable_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addRow("data-dir") << u"data-dir"_s << u"TAP_DATA_DIR"_s << u"/srv/tap"_s;
        QTest::addRow("database") << u"database"_s << u"TAP_DATABASE_URL"_s
                                  << u"sqlite:/srv/x.db"_s;
        QTest::addRow("master-key-file")
                << u"master-key-file"_s << u"TAP_MASTER_KEY_FILE"_s << u"/k"_s;
        QTest::addRow("public-url")
                << u"public-url"_s << u"TAP_PUBLIC_URL"_s << u"https://tap.example"_s;
        QTest::addRow("smtp-url") << u"smtp-url"_s << u"TAP_SMTP_URL"_s << u"smtp://u:p@mail:25"_s;
        QTest::addRow("mail-outbox") << u"mail-outbox"_s << u"TAP_MAIL_OUTBOX"_s << u"/out"_s;
        QTest::addRow("allow-private")
                << u"allow-private-targets"_s << u"TAP_ALLOW_PRIVATE_TARGETS"_s << u"1"_s;
        QTest::addRow("forward-timeout")
                << u"forward-timeout"_s << u"TAP_FORWARD_TIMEOUT_S"_s << u"5"_s;
        QTest::addRow("approval-timeout")
                << u"approval-timeout"_s << u"TAP_APPROVAL_TIMEOUT_S"_s << u"60"_s;
        QTest::addRow("max-body") << u"max-body-bytes"_s << u"TAP_MAX_BODY_BYTES"_s << u"1000"_s;
        QTest::addRow("workers") << u"workers"_s << u"TAP_WORKERS"_s << u"4"_s;
        QTest::addRow("telegram-api")
                << u"telegram-api-base"_s << u"TAP_TELEGRAM_API_BASE"_s << u"http://127.0.0.1:9"_s;
        QTest::addRow("telegram-chat")
                << u"telegram-chat-id"_s << u"TAP_TELEGRAM_CHAT_ID"_s << u"-100"_s;
        QTest::addRow("matrix") << u"matrix-homeserver"_s << u"TAP_MATRIX_HOMESERVER"_s
                                << u"http://127.0.0.1:8"_s;
        QTest::addRow("audit-file") << u"audit-file"_s << u"TAP_AUDIT_FILE"_s << u"/audit.jsonl"_s;
        QTest::addRow("mail-from") << u"mail-from"_s << u"TAP_MAIL_FROM"_s << u"tap@example.org"_s;
        QTest::addRow("upstream-proxy") << u"upstream-proxy"_s << u"TAP_UPSTREAM_PROXY"_s
                                        << u"http://proxy.internal:3128"_s;
        QTest::addRow("max-response-buffer") << u"max-response-buffer-bytes"_s
                                             << u"TAP_MAX_RESPONSE_BUFFER_BYTES"_s << u"1048576"_s;
    }

    void everyOptionHasAFlagAndAVariable()
    {
        QFETCH(QString, flag);
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QProcessEnvironment e = env({});
        e.insert(variable, value);
        auto viaEnv = Config::parse({}, e);
        QVERIFY2(viaEnv.ok(), qPrintable(viaEnv.ok() ? QString() : viaEnv.error().message()));
        auto viaFlag = Config::parse({ QStringLiteral("--") + flag, value }, env({}));
        QVERIFY2(viaFlag.ok(), qPrintable(viaFlag.ok() ? QString() : viaFlag.error().message()));
        auto help = Config::parse({ QStringLiteral("--help") }, env({}));
        QVERIFY(help->text.contains(QStringLiteral("--") + flag));
        QVERIFY(help->text.contains(variable));
    }

    void secretsOnlyFromEnvironment()
    {
        auto parsed = Config::parse({},
                                    env({ { "TAP_MASTER_KEY", "ab" },
                                          { "TAP_TELEGRAM_BOT_TOKEN", "t" },
                                          { "TAP_MATRIX_ACCESS_TOKEN", "m" } }));
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->config.masterKeyHex, QByteArray("ab"));
        QCOMPARE(parsed->config.telegramBotToken, QStringLiteral("t"));
        QVERIFY(!Config::parse({ QStringLiteral("--master-key"), QStringLiteral("ab") }, env({}))
                         .ok());
    }

    void rejects_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("needle");
        QTest::addRow("listen no port")
                << QStringList{ u"--listen"_s, u"127.0.0.1"_s } << u"HOST:PORT"_s;
        QTest::addRow("listen bad port")
                << QStringList{ u"--listen"_s, u"127.0.0.1:70000"_s } << u"65535"_s;
        QTest::addRow("listen bad host")
                << QStringList{ u"--listen"_s, u"nohost:80"_s } << u"not an IP"_s;
        QTest::addRow("database scheme")
                << QStringList{ u"--database"_s, u"mysql://x"_s } << u"database"_s;
        QTest::addRow("public url") << QStringList{ u"--public-url"_s, u"ftp://x"_s } << u"http"_s;
        QTest::addRow("smtp url") << QStringList{ u"--smtp-url"_s, u"http://x"_s } << u"smtp"_s;
        QTest::addRow("workers zero") << QStringList{ u"--workers"_s, u"0"_s } << u"TAP_WORKERS"_s;
        QTest::addRow("workers text")
                << QStringList{ u"--workers"_s, u"many"_s } << u"whole number"_s;
        QTest::addRow("timeout negative")
                << QStringList{ u"--forward-timeout"_s, u"-1"_s } << u"TAP_FORWARD_TIMEOUT_S"_s;
        QTest::addRow("allow private")
                << QStringList{ u"--allow-private-targets"_s, u"yes"_s } << u"0 or 1"_s;
        QTest::addRow("unknown flag") << QStringList{ u"--frobnicate"_s } << u"frobnicate"_s;
        QTest::addRow("positional") << QStringList{ u"extra"_s } << u"extra"_s;
        QTest::addRow("mail from") << QStringList{ u"--mail-from"_s, u"nobody"_s } << u"email"_s;
        // An upstream proxy: http://HOST:PORT only.
        for (const char *bad :
             { "socks5://127.0.0.1:1080", "https://proxy:443", "http://proxy", "proxy:3128",
               "http://:3128", "http://proxy:3128/path", "http://proxy:3128?x=1" })
            QTest::addRow("upstream proxy %s", bad)
                    << QStringList{ u"--upstream-proxy"_s, QString::fromLatin1(bad) }
                    << u"http://HOST:PORT"_s;
        QTest::addRow("upstream proxy credentials")
                << QStringList{ u"--upstream-proxy"_s, u"http://user:pw@proxy:3128"_s }
                << u"credentials"_s;
        QTest::addRow("response buffer zero")
                << QStringList{ u"--max-response-buffer-bytes"_s, u"0"_s }
                << u"TAP_MAX_RESPONSE_BUFFER_BYTES"_s;
    }

    void rejects()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, needle);
        auto parsed = Config::parse(args, env({}));
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().message().contains(needle, Qt::CaseInsensitive),
                 qPrintable(parsed.error().message()));
    }

    // The chat bots' timing (environment only): defaults, accepted values, refusals.
    void chatTimings()
    {
        auto d = Config::parse({}, env({}));
        QVERIFY(d.ok());
        QCOMPARE(d->config.telegramPollTimeoutS, 25);
        QCOMPARE(d->config.matrixSyncTimeoutS, 30);
        QCOMPARE(d->config.chatLeaseS, 15);
        auto set = Config::parse({},
                                 env({ { "TAP_TELEGRAM_POLL_TIMEOUT_S", "2" },
                                       { "TAP_MATRIX_SYNC_TIMEOUT_S", "3" },
                                       { "TAP_CHAT_LEASE_S", "4" } }));
        QVERIFY(set.ok());
        QCOMPARE(set->config.telegramPollTimeoutS, 2);
        QCOMPARE(set->config.matrixSyncTimeoutS, 3);
        QCOMPARE(set->config.chatLeaseS, 4);
        for (const char *bad : { "0", "-5", "301", "soon" }) {
            auto r = Config::parse({}, env({ { "TAP_CHAT_LEASE_S", bad } }));
            QVERIFY2(!r.ok(), bad);
            QVERIFY2(r.error().message().contains(u"TAP_CHAT_LEASE_S"_s),
                     qPrintable(r.error().message()));
        }
        auto help = Config::parse({ QStringLiteral("--help") }, env({}));
        QVERIFY(help->text.contains(u"TAP_CHAT_LEASE_S"_s));
    }

    void upstreamSettings()
    {
        auto d = Config::parse({}, env({}));
        QVERIFY(d->config.upstreamProxy.isEmpty());
        QCOMPARE(d->config.maxResponseBufferBytes, 10 * 1024 * 1024);
        auto set = Config::parse({},
                                 env({ { "TAP_UPSTREAM_PROXY", "http://127.0.0.1:3128/" },
                                       { "TAP_MAX_RESPONSE_BUFFER_BYTES", "4096" } }));
        QVERIFY(set.ok());
        QCOMPARE(set->config.upstreamProxy, QUrl(u"http://127.0.0.1:3128"_s));
        QCOMPARE(set->config.maxResponseBufferBytes, 4096);
        // Credentials are never echoed back in the error.
        auto secret = Config::parse({}, env({ { "TAP_UPSTREAM_PROXY", "http://u:hunter2@p:1" } }));
        QVERIFY(!secret.ok());
        QVERIFY(!secret.error().message().contains(u"hunter2"_s));
    }

    // Tests only: accepted with TAP_ALLOW_PRIVATE_TARGETS=1 and a loopback http URL, else refused.
    void testUpstreamRedirect()
    {
        QVERIFY(Config::parse({}, env({}))->config.testUpstreamRedirect.isEmpty());
        auto ok = Config::parse(
                {},
                env({ { "TAP_ALLOW_PRIVATE_TARGETS", "1" },
                      { "TAP_TEST_UPSTREAM_REDIRECT", "http://127.0.0.1:8080/echo/" } }));
        QVERIFY(ok.ok());
        QCOMPARE(ok->config.testUpstreamRedirect, QUrl(u"http://127.0.0.1:8080/echo"_s));
        auto production =
                Config::parse({}, env({ { "TAP_TEST_UPSTREAM_REDIRECT", "http://127.0.0.1:80" } }));
        QVERIFY(!production.ok());
        QVERIFY(production.error().message().contains(u"TAP_ALLOW_PRIVATE_TARGETS"_s));
        for (const char *bad : { "http://example.com:80", "https://127.0.0.1:443",
                                 "http://127.0.0.1", "http://127.0.0.1:80/?q", "nonsense" }) {
            auto r = Config::parse({},
                                   env({ { "TAP_ALLOW_PRIVATE_TARGETS", "1" },
                                         { "TAP_TEST_UPSTREAM_REDIRECT", bad } }));
            QVERIFY2(!r.ok(), bad);
        }
    }

    void ipv6Listen()
    {
        auto parsed =
                Config::parse({ QStringLiteral("--listen"), QStringLiteral("[::1]:0") }, env({}));
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->config.listenAddress, QHostAddress(QHostAddress::LocalHostIPv6));
        QCOMPARE(parsed->config.listenPort, quint16(0));
        QCOMPARE(parsed->config.publicUrl.host(), QStringLiteral("::1"));
    }

    void versionAndHelp()
    {
        auto v = Config::parse({ QStringLiteral("--version") }, env({}));
        QCOMPARE(v->action, Config::Action::Version);
        QVERIFY(v->text.startsWith(QStringLiteral("tapd ")));
        auto c = Config::parse({ QStringLiteral("--check-config") }, env({}));
        QCOMPARE(c->action, Config::Action::CheckConfig);
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
