// Large request bodies through POST /forward (streamed both ways, README "The data plane"): a
// body of a named credential's request goes on to the upstream as it arrives — tapd's peak
// memory stays far below the body's size — with Content-Length or chunked framing, arriving
// slowly, and with a refusal before the body is complete leaving the connection usable. Both
// backends.
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QCryptographicHash>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

QByteArray pattern(qint64 size)
{
    QByteArray block(1 << 20, Qt::Uninitialized);
    for (int i = 0; i < block.size(); ++i)
        block[i] = char('a' + (i * 7 + i / 1024) % 26);
    QByteArray out;
    out.reserve(size);
    while (out.size() < size)
        out += block.left(qMin<qint64>(block.size(), size - out.size()));
    return out;
}

QByteArray head(const QByteArray &key, const QByteArray &credential, const QByteArray &target,
                const QByteArray &framing)
{
    return "POST /forward HTTP/1.1\r\nHost: 127.0.0.1\r\nX-TAP-Key: " + key
            + "\r\nX-TAP-Credential: " + credential + "\r\nX-TAP-Target: " + target
            + "\r\nX-TAP-Method: POST\r\nContent-Type: application/octet-stream\r\n" + framing
            + "\r\n\r\n";
}

// Reads one HTTP response (Content-Length framed) from `s`; returns status and body.
QPair<int, QByteArray> readResponse(QTcpSocket &s, int timeoutMs = 60000)
{
    QByteArray in;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        const qsizetype end = in.indexOf("\r\n\r\n");
        if (end >= 0) {
            const QByteArray h = in.left(end).toLower();
            const qsizetype at = h.indexOf("content-length:");
            const qint64 length = at < 0
                    ? 0
                    : h.mid(at + 15, h.indexOf('\r', at) - at - 15).trimmed().toLongLong();
            if (in.size() >= end + 4 + length) {
                const int status = in.mid(9, 3).toInt();
                const QByteArray body = in.mid(end + 4, length);
                in.remove(0, end + 4 + length);
                return { status, body };
            }
        }
        if (!s.waitForReadyRead(200) && s.state() != QAbstractSocket::ConnectedState)
            break;
        in += s.readAll();
    }
    return { 0, in };
}

} // namespace

class TestUpload : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }
    void streamedBodies();
};

void TestUpload::streamedBodies()
{
    Upstream upstream;
    QVERIFY(upstream.start());
    QProcessEnvironment env;
    env.insert(u"TAP_MAX_BODY_BYTES"_s, QString::number(512 * 1024 * 1024));
    Tapd tapd(true, env);
    QVERIFY(tapd.start());
    const Account owner = signUp(tapd, u"up1"_s, u"up1@example.test"_s);
    QVERIFY(!owner.token.isEmpty());
    const HttpClient admin = tapd.client(owner.token);
    QVERIFY(admin.post("/admin/credentials",
                       { { u"name"_s, u"store"_s },
                         { u"description"_s, u"object store"_s },
                         { u"value"_s, u"sk-upload-secret-123456789"_s },
                         { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) } })
                    .status
            == 201);
    QVERIFY(autoApprove(admin, u"store"_s));
    const QByteArray key = addAgent(admin, u"uploader"_s, { u"store"_s });
    QVERIFY(!key.isEmpty());
    const QByteArray target = upstream.url("/upload");

    // 192 MiB with Content-Length: it arrives whole and tapd never holds it.
    const qint64 size = 192ll * 1024 * 1024;
    const QByteArray body = pattern(size);
    const QByteArray digest = QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex();
    const qint64 before = tapd.peakRssKiB();
    {
        HttpClient c(tapd.port());
        c.setTimeoutMs(120000);
        const HttpResponse r = c.request("POST", "/forward", body,
                                         { { "X-TAP-Key", key },
                                           { "X-TAP-Credential", "store" },
                                           { "X-TAP-Target", target },
                                           { "X-TAP-Method", "POST" } });
        EXPECT_FWD(r, 200, QString());
        QCOMPARE(r.json().value(u"bytes"_s).toInteger(), size);
        QCOMPARE(r.json().value(u"sha256"_s).toString().toLatin1(), digest);
        QCOMPARE(r.json().value(u"content_length"_s).toString(), QString::number(size));
    }
    const qint64 peak = tapd.peakRssKiB();
    qInfo("tapd peak RSS %lld KiB before, %lld KiB after a %lld MiB upload", before, peak,
          size >> 20);
    // (The baseline is mostly Argon2id's 64 MiB working memory from signing up.)
    // Under AddressSanitizer freed memory sits in its quarantine (256 MiB), so RSS says nothing.
    if (qEnvironmentVariableIsEmpty("ASAN_OPTIONS"))
        QVERIFY2(before > 0 && peak - before < 32 * 1024,
                 qPrintable(u"peak RSS grew by %1 KiB"_s.arg(peak - before)));

    // Chunked, arriving in pieces with pauses: sent on chunked, intact.
    {
        const QByteArray part = pattern(3 * 1024 * 1024 + 17);
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, tapd.port());
        QVERIFY(s.waitForConnected(10000));
        s.write(head(key, "store", target, "Transfer-Encoding: chunked"));
        for (qsizetype at = 0; at < part.size(); at += 256 * 1024) {
            const QByteArray piece = part.mid(at, 256 * 1024);
            s.write(QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n");
            s.waitForBytesWritten(10000);
            if (at == 1024 * 1024)
                QTest::qWait(300);
        }
        s.write("0\r\n\r\n");
        const auto [status, answer] = readResponse(s);
        QCOMPARE(status, 200);
        const QJsonObject o = QJsonDocument::fromJson(answer).object();
        QCOMPARE(o.value(u"bytes"_s).toInteger(), part.size());
        QCOMPARE(o.value(u"sha256"_s).toString().toLatin1(),
                 QCryptographicHash::hash(part, QCryptographicHash::Sha256).toHex());
        QCOMPARE(o.value(u"transfer_encoding"_s).toString(), u"chunked"_s);
    }

    // Refused before the body is complete (a credential this agent may not use): the answer
    // comes at once, the rest of the body is read and dropped, the connection stays usable.
    {
        const int seen = upstream.count();
        const QByteArray big = pattern(4 * 1024 * 1024);
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, tapd.port());
        QVERIFY(s.waitForConnected(10000));
        s.write(head(key, "not-mine", target, "Content-Length: " + QByteArray::number(big.size())));
        s.write(big.left(512 * 1024));
        const auto [status, answer] = readResponse(s);
        QCOMPARE(status, 403);
        QVERIFY(answer.contains("credential_not_allowed"));
        s.write(big.mid(512 * 1024));
        const QByteArray small = pattern(300 * 1024);
        s.write(head(key, "store", target, "Content-Length: " + QByteArray::number(small.size()))
                + small);
        const auto [status2, answer2] = readResponse(s);
        QCOMPARE(status2, 200);
        QCOMPARE(QJsonDocument::fromJson(answer2).object().value(u"bytes"_s).toInteger(),
                 small.size());
        QCOMPARE(upstream.count(), seen + 1);
    }

    // The agent hangs up halfway through: the upstream transfer stops, tapd carries on.
    for (int round = 0; round < 5; ++round) {
        const QByteArray big = pattern(4 * 1024 * 1024);
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, tapd.port());
        QVERIFY(s.waitForConnected(10000));
        s.write(head(key, "store", target, "Content-Length: " + QByteArray::number(big.size())));
        s.write(big.left(1024 * 1024 + round * 100000));
        s.waitForBytesWritten(10000);
        QTest::qWait(50 * round);
        s.abort();
    }
    EXPECT_STATUS(tapd.client().get("/healthz"), 200);

    // A streamed body of a request that needs approval is stored whole, then sent once approved.
    {
        QVERIFY(setPolicy(admin, u"store"_s,
                          { { u"require_approval_methods"_s, strings({ u"POST"_s }) } }));
        const QByteArray parked = pattern(600 * 1024);
        HttpClient c(tapd.port());
        const HttpResponse r = c.request("POST", "/forward", parked,
                                         { { "X-TAP-Key", key },
                                           { "X-TAP-Credential", "store" },
                                           { "X-TAP-Target", target },
                                           { "X-TAP-Method", "POST" } });
        EXPECT_FWD(r, 202, QString());
        const QByteArray txn = r.json().value(u"txn_id"_s).toString().toLatin1();
        EXPECT_STATUS(admin.post("/admin/approvals/" + txn + "/approve"), 200);
        QJsonObject final;
        QElapsedTimer waited;
        waited.start();
        do {
            final = c.request("GET", "/agent/approvals/" + txn, {}, { { "X-TAP-Key", key } })
                            .json();
        } while (final.value(u"status"_s).toString() == u"pending"_s && waited.elapsed() < 30000
                 && (QTest::qWait(20), true));
        QCOMPARE(final.value(u"status"_s).toString(), u"forwarded"_s);
        const QJsonObject echoed =
                QJsonDocument::fromJson(
                        final.value(u"response"_s).toObject().value(u"body"_s).toString().toUtf8())
                        .object();
        QVERIFY2(echoed.value(u"bytes"_s).toInteger() == parked.size(),
                 QJsonDocument(final).toJson().left(2000).constData());
    }
    EXPECT_CLEAN_STOP(tapd);
}

QTEST_GUILESS_MAIN(TestUpload)
#include "tst_upload.moc"
