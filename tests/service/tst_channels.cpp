// Notification channels' test messages, end to end: tapd → local fakes of the Telegram Bot API
// and a Matrix homeserver (tests/support/fake_chat.py).
#include "support/httpclient.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using tap::test::HttpClient;

namespace {

const QByteArray kGlobalBotToken = "111111:GLOBAL-bot-token-LEAK-CANARY";
const QByteArray kOverrideBotToken = "222222:OVERRIDE-bot-token-LEAK-CANARY";
const QByteArray kMatrixToken = "syt_matrix-LEAK-CANARY";

QString supportDir()
{
    return QDir(qEnvironmentVariable("TAP_TEST_DATA") + u"/../support"_s).absolutePath();
}

// Starts a process and waits for a line matching `ready`; returns the first capture.
QString startAndWait(QProcess &p, const QString &program, const QStringList &args,
                     const QRegularExpression &ready, bool fromStdout = true)
{
    p.start(program, args);
    if (!p.waitForStarted(5000))
        return {};
    QByteArray seen;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000) {
        p.waitForReadyRead(100);
        seen += fromStdout ? p.readAllStandardOutput() : p.readAllStandardError();
        const auto m = ready.match(QString::fromUtf8(seen));
        if (m.hasMatch())
            return m.captured(1);
        if (p.state() == QProcess::NotRunning)
            return {};
    }
    return {};
}

} // namespace

class TestChannels : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcess m_fake;
    QProcess m_tapd;
    std::unique_ptr<HttpClient> m_http;
    QString m_log;

    QList<QJsonObject> fakeRequests() const
    {
        QList<QJsonObject> out;
        QFile f(m_log);
        if (f.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : f.readAll().split('\n')) {
                if (!line.isEmpty())
                    out << QJsonDocument::fromJson(line).object();
            }
        }
        return out;
    }

private slots:
    void initTestCase()
    {
        m_log = m_dir.filePath(u"chat.jsonl"_s);
        const QString fakePort =
                startAndWait(m_fake, u"python3"_s,
                             { supportDir() + u"/fake_chat.py"_s, u"--port"_s, u"0"_s, u"--log"_s,
                               m_log, u"--bot-token"_s, QString::fromLatin1(kGlobalBotToken),
                               u"--bot-token"_s, QString::fromLatin1(kOverrideBotToken),
                               u"--matrix-token"_s, QString::fromLatin1(kMatrixToken) },
                             QRegularExpression(u"PORT (\\d+)"_s));
        QVERIFY2(!fakePort.isEmpty(), "fake chat server did not start");
        const QString base = u"http://127.0.0.1:"_s + fakePort;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"TAP_TELEGRAM_API_BASE"_s, base);
        env.insert(u"TAP_TELEGRAM_BOT_TOKEN"_s, QString::fromLatin1(kGlobalBotToken));
        env.insert(u"TAP_MATRIX_HOMESERVER"_s, base);
        env.insert(u"TAP_MATRIX_ACCESS_TOKEN"_s, QString::fromLatin1(kMatrixToken));
        m_tapd.setProcessEnvironment(env);
        const QString port = startAndWait(
                m_tapd, qEnvironmentVariable("TAPD_BINARY"),
                { u"--data-dir"_s, m_dir.filePath(u"data"_s), u"--listen"_s, u"127.0.0.1:0"_s },
                QRegularExpression(u"listening on http://127.0.0.1:(\\d+)"_s));
        QVERIFY2(!port.isEmpty(), "tapd did not start");
        m_http = std::make_unique<HttpClient>(quint16(port.toUInt()));
        auto r = m_http->post("/signup",
                              { { u"team_name"_s, u"chat-team"_s },
                                { u"email"_s, u"ops@example.com"_s },
                                { u"password"_s, u"chat-password"_s } });
        QCOMPARE(r.status, 201);
        QDir outbox(m_dir.filePath(u"data/outbox"_s));
        const QStringList mails = outbox.entryList({ u"*.eml"_s });
        QCOMPARE(mails.size(), 1);
        QFile mail(outbox.filePath(mails.first()));
        QVERIFY(mail.open(QIODevice::ReadOnly));
        const QString code = QRegularExpression(u"code is (\\d{6})"_s)
                                     .match(QString::fromUtf8(mail.readAll()))
                                     .captured(1);
        QCOMPARE(m_http->post("/verify-email",
                              { { u"email"_s, u"ops@example.com"_s }, { u"code"_s, code } })
                         .status,
                 200);
        r = m_http->post(
                "/login",
                { { u"email"_s, u"ops@example.com"_s }, { u"password"_s, u"chat-password"_s } });
        QCOMPARE(r.status, 200);
        m_http->setBearerToken(r.json().value(u"session_token"_s).toString().toLatin1());
    }

    void cleanupTestCase()
    {
        m_tapd.terminate();
        m_tapd.waitForFinished(10000);
        const QByteArray log = m_tapd.readAllStandardError();
        for (const QByteArray &secret : { kGlobalBotToken, kOverrideBotToken, kMatrixToken })
            QVERIFY2(!log.contains(secret), "a chat token reached tapd's log");
        m_fake.kill();
        m_fake.waitForFinished(5000);
    }

    void telegramWithTeamToken()
    {
        auto r = m_http->post(
                "/admin/notification-channels",
                { { u"name"_s, u"ops"_s },
                  { u"channel_type"_s, u"telegram"_s },
                  { u"config"_s,
                    QJsonObject{ { u"chat_id"_s, u"-100123456"_s },
                                 { u"bot_token"_s, QString::fromLatin1(kOverrideBotToken) } } } });
        QCOMPARE(r.status, 201);
        QVERIFY(!r.body.contains(kOverrideBotToken));
        QCOMPARE(r.json().value(u"has_bot_token"_s).toBool(), true);
        const auto before = fakeRequests().size();
        r = m_http->post("/admin/notification-channels/ops/test");
        QVERIFY2(r.status == 200, qPrintable(r.describe()));
        const auto requests = fakeRequests();
        QCOMPARE(requests.size(), before + 1);
        const QJsonObject sent = requests.last();
        QCOMPARE(sent.value(u"path"_s).toString(),
                 u"/bot"_s + QString::fromLatin1(kOverrideBotToken) + u"/sendMessage"_s);
        const QJsonObject payload =
                QJsonDocument::fromJson(sent.value(u"body"_s).toString().toUtf8()).object();
        QCOMPARE(payload.value(u"chat_id"_s).toString(), u"-100123456"_s);
        QVERIFY(payload.value(u"text"_s).toString().contains(u"ops"_s));
        const QByteArray listing = m_http->get("/admin/notification-channels").body;
        QVERIFY(!listing.contains(kOverrideBotToken));
    }

    void telegramWithGlobalToken()
    {
        QCOMPARE(m_http->post("/admin/notification-channels",
                              { { u"name"_s, u"global"_s },
                                { u"channel_type"_s, u"telegram"_s },
                                { u"config"_s, QJsonObject{ { u"chat_id"_s, -42 } } } })
                         .status,
                 201);
        auto r = m_http->post("/admin/notification-channels/global/test");
        QVERIFY2(r.status == 200, qPrintable(r.describe()));
        QCOMPARE(fakeRequests().last().value(u"path"_s).toString(),
                 u"/bot"_s + QString::fromLatin1(kGlobalBotToken) + u"/sendMessage"_s);
    }

    void telegramRefusedTokenIsAnErrorWithoutTheToken()
    {
        QCOMPARE(m_http->post("/admin/notification-channels",
                              { { u"name"_s, u"revoked"_s },
                                { u"channel_type"_s, u"telegram"_s },
                                { u"config"_s,
                                  QJsonObject{ { u"chat_id"_s, u"-1"_s },
                                               { u"bot_token"_s, u"333333:REVOKED-token"_s } } } })
                         .status,
                 201);
        auto r = m_http->post("/admin/notification-channels/revoked/test");
        QCOMPARE(r.status, 502);
        QCOMPARE(r.errorCode(), u"upstream_error"_s);
        QVERIFY(r.errorMessage().contains(u"401"_s));
        QVERIFY(!r.body.contains("REVOKED"));
    }

    void matrix()
    {
        QCOMPARE(m_http->post("/admin/notification-channels",
                              { { u"name"_s, u"room"_s },
                                { u"channel_type"_s, u"matrix"_s },
                                { u"config"_s,
                                  QJsonObject{ { u"room_id"_s, u"!abc:example.org"_s } } } })
                         .status,
                 201);
        auto r = m_http->post("/admin/notification-channels/room/test");
        QVERIFY2(r.status == 200, qPrintable(r.describe()));
        const QJsonObject sent = fakeRequests().last();
        QCOMPARE(sent.value(u"method"_s).toString(), u"PUT"_s);
        QVERIFY(sent.value(u"path"_s).toString().startsWith(
                u"/_matrix/client/v3/rooms/%21abc%3Aexample.org/send/m.room.message/"_s));
        QCOMPARE(sent.value(u"headers"_s).toObject().value(u"Authorization"_s).toString(),
                 u"Bearer "_s + QString::fromLatin1(kMatrixToken));
        const QJsonObject payload =
                QJsonDocument::fromJson(sent.value(u"body"_s).toString().toUtf8()).object();
        QCOMPARE(payload.value(u"msgtype"_s).toString(), u"m.text"_s);
    }

    void desktopAndUnknown()
    {
        QCOMPARE(m_http->post("/admin/notification-channels",
                              { { u"name"_s, u"console"_s }, { u"channel_type"_s, u"desktop"_s } })
                         .status,
                 201);
        QCOMPARE(m_http->post("/admin/notification-channels/console/test").status, 200);
        auto r = m_http->post("/admin/notification-channels/nope/test");
        QCOMPARE(r.status, 404);
        QCOMPARE(m_http->del("/admin/notification-channels/console").status, 200);
        QCOMPARE(m_http->post("/admin/notification-channels/console/test").status, 404);
    }
};

QTEST_GUILESS_MAIN(TestChannels)
#include "tst_channels.moc"
