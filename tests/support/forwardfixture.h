// The shared fixture of the /forward end-to-end tests (tests/service/tst_forward*.cpp): one
// tapd per backend shared by the test functions of a file, the fake upstream, its set-up and
// tear-down (ForwardSuite), and an incremental reader for long or progressive answers. The
// forms a secret may leak in are in leakforms.h. Builds on tapdharness.h.
#pragma once

#include "support/httpclient.h"
#include "support/leakforms.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTcpSocket>
#include <QTest>

#include <QFileInfo>

#include <map>
#include <memory>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

inline QByteArray marker(const QString &credential)
{
    return "[REDACTED:" + utf8(credential) + ']';
}

// What the agent got, as it reads it: the head as received and the decoded body (the raw
// bytes of a chunked body have framing inside a value split across chunks).
inline QByteArray received(const HttpResponse &r)
{
    return r.raw.left(r.raw.indexOf("\r\n\r\n") + 4) + r.body;
}

struct Fixture
{
    Tapd tapd;
    Account main;
    QList<Account> accounts; // every team owner, main included
    QList<Secret> secrets; // every credential value this tapd holds
    QSet<QString> prepared; // set-ups already made (per test function)
    QHash<QString, QByteArray> keys; // agent keys by a test-chosen label
    int serial = 0;

    Account newAccount(const QString &team)
    {
        const QString email = u"%1-%2@example.test"_s.arg(team).arg(++serial);
        Account a = signUp(tapd, team + QString::number(serial), email);
        if (!a.token.isEmpty())
            accounts << a;
        return a;
    }
};

// POST /admin/credentials; allowed_hosts defaults to the fake upstream's 127.0.0.1.
inline bool addCredential(QList<Secret> &secrets, const HttpClient &admin, const QString &name,
                          const QByteArray &value, QJsonObject extra = {})
{
    extra.insert(u"name"_s, name);
    extra.insert(u"description"_s, QString(u"test credential "_s + name));
    extra.insert(u"value"_s, text(value));
    if (!extra.contains(u"allowed_hosts"_s) && !extra.contains(u"api_base"_s))
        extra.insert(u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }));
    secrets.append({ name, value });
    const HttpResponse r = admin.post("/admin/credentials", extra);
    return verifyStatus(r, 201, qPrintable(u"POST /admin/credentials "_s + name), __FILE__,
                        __LINE__);
}

inline HttpHeaders parseHeaders(const QByteArray &lines)
{
    HttpHeaders out;
    for (const QByteArray &line : lines.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            out.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
    }
    return out;
}

// A /forward exchange read incrementally, for long or progressive answers (the plain client
// re-parses everything it has on every read).
class StreamingReader
{
public:
    bool open(quint16 port, const Call &call)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(10000))
            return false;
        QByteArray out = "POST /forward HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                         "close\r\nContent-Length: 0\r\n";
        out += "X-TAP-Key: " + call.key + "\r\nX-TAP-Credential: " + call.credential
                + "\r\nX-TAP-Target: " + call.target + "\r\nX-TAP-Method: " + call.method
                + "\r\n\r\n";
        m_socket.write(out);
        m_timer.start();
        return true;
    }

    // Reads what arrives within `timeoutMs`; false once the exchange is over or stalled.
    bool pump(int timeoutMs)
    {
        if (m_done || m_failed)
            return false;
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(timeoutMs)) {
            if (m_socket.state() == QAbstractSocket::ConnectedState) {
                m_failed = true; // stalled
                return false;
            }
            m_raw += m_socket.readAll();
            parse();
            if (!m_done && m_headDone && !m_chunked && m_length < 0)
                m_done = true; // close-delimited
            m_failed = !m_done;
            return false;
        }
        m_raw += m_socket.readAll();
        parse();
        return true;
    }

    bool done() const { return m_done; }
    bool failed() const { return m_failed; }
    int status() const { return m_status; }
    const QByteArray &head() const { return m_head; }
    const QByteArray &body() const { return m_body; }
    qint64 elapsedMs() const { return m_timer.elapsed(); }
    QByteArray header(QByteArrayView name) const
    {
        for (const QByteArray &line : m_head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0
                && QByteArrayView(line.left(colon).trimmed()).compare(name, Qt::CaseInsensitive)
                        == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }

private:
    void parse()
    {
        if (!m_headDone) {
            const qsizetype end = m_raw.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            m_head = m_raw.left(end);
            m_raw.remove(0, end + 4);
            m_headDone = true;
            m_status = m_head.mid(9, 3).toInt();
            m_chunked = header("Transfer-Encoding").toLower().contains("chunked");
            const QByteArray length = header("Content-Length");
            m_length = length.isEmpty() ? -1 : length.toLongLong();
        }
        if (!m_chunked) {
            m_body += m_raw;
            m_raw.clear();
            m_done = m_length >= 0 && m_body.size() >= m_length;
            return;
        }
        for (;;) {
            const qsizetype lineEnd = m_raw.indexOf("\r\n", m_pos);
            if (lineEnd < 0)
                break;
            bool ok = false;
            const qint64 size = m_raw.mid(m_pos, lineEnd - m_pos)
                                        .split(';')
                                        .first()
                                        .trimmed()
                                        .toLongLong(&ok, 16);
            if (!ok) {
                m_failed = true;
                return;
            }
            if (size == 0) {
                m_done = true;
                return;
            }
            if (m_raw.size() < lineEnd + 2 + size + 2)
                break;
            m_body.append(m_raw.constData() + lineEnd + 2, size);
            m_pos = lineEnd + 2 + size + 2;
        }
        if (m_pos > 1024 * 1024) {
            m_raw.remove(0, m_pos);
            m_pos = 0;
        }
    }

    QTcpSocket m_socket;
    QElapsedTimer m_timer;
    QByteArray m_raw;
    qsizetype m_pos = 0;
    QByteArray m_head;
    QByteArray m_body;
    bool m_headDone = false;
    bool m_chunked = false;
    qint64 m_length = -1;
    int m_status = 0;
    bool m_done = false;
    bool m_failed = false;
};

// No value, API key or session token in any trail or log of `f`'s tapd (the audit export and
// page of every team owner, the audit file, tapd's log), every line of the audit file is a
// JSON object, the audit file holds more than `minAuditLines` lines, and tapd stops cleanly.
inline void verifyNoSecretInTrails(Fixture &f, int minAuditLines)
{
    QVERIFY(!f.secrets.isEmpty());
    QList<Secret> tokens;
    for (auto it = f.keys.cbegin(); it != f.keys.cend(); ++it)
        tokens.append({ u"API key "_s + it.key(), it.value() });
    for (const Account &a : std::as_const(f.accounts))
        tokens.append({ u"session of "_s + a.email, a.token });
    QByteArray exports;
    for (const Account &a : std::as_const(f.accounts)) {
        const HttpClient admin = f.tapd.client(a.token);
        const HttpResponse all = admin.get("/admin/audit/export");
        EXPECT_STATUS(all, 200);
        exports += all.body;
        const HttpResponse page = admin.get("/admin/audit?limit=1000");
        EXPECT_STATUS(page, 200);
        exports += page.body;
    }
    const QByteArray file = f.tapd.auditFile();
    const QByteArray log = f.tapd.log();
    QVERIFY(file.count('\n') > minAuditLines);
    QVERIFY(exports.contains("\"kind\":\"forward\""));
    for (const auto &[name, content] :
         { std::pair{ "audit export", exports }, std::pair{ "audit file", file },
           std::pair{ "tapd log", log } }) {
        const QString leak = findLeak(content, f.secrets);
        QVERIFY2(leak.isEmpty(), qPrintable(QString::fromLatin1(name) + u" holds "_s + leak));
        for (const Secret &t : std::as_const(tokens))
            QVERIFY2(!content.contains(t.value),
                     qPrintable(QString::fromLatin1(name) + u" holds the "_s + t.name));
    }
    for (const QByteArray &line : file.split('\n')) {
        if (!line.isEmpty())
            QVERIFY2(QJsonDocument::fromJson(line).isObject(), line.constData());
    }
    // The last test of this tapd: it stops cleanly.
    EXPECT_CLEAN_STOP(f.tapd);
}

// The shared state of a /forward test class (which derives from QObject and this): one tapd
// per backend and the fake upstream. The class's slots are one line each:
//   void initTestCase_data() { addBackendRows(); }
//   void initTestCase() { startSuite(); }
//   void cleanupTestCase() { finishSuite(); }
class ForwardSuite
{
protected:
    enum class TrailCheck { Verify, Skip };

    // initTestCase(): tapd is there and the fake upstream runs (a failure skips every test).
    void startSuite()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
        QVERIFY(m_upstream.start());
    }
    // cleanupTestCase(): the last word on this file's tapds (with TrailCheck::Verify, no secret
    // in any trail and a clean stop), then the fake upstream stops.
    void finishSuite(TrailCheck check = TrailCheck::Verify)
    {
        if (check == TrailCheck::Verify) {
            for (const auto &entry : m_fixtures)
                if (entry.second) // null: that backend's tapd did not start (skipped or failed)
                    verifyNoSecretInTrails(*entry.second, 0);
        }
        m_fixtures.clear();
        m_upstream.stop();
    }

    // One tapd per backend, shared by the test functions (each makes its own agents and
    // credentials, or its own teams).
    Fixture *fixture()
    {
        QFETCH_GLOBAL(QString, backend);
        std::unique_ptr<Fixture> &slot = m_fixtures[backend];
        if (!slot) {
            auto f = std::make_unique<Fixture>();
            if (!f->tapd.start())
                return nullptr;
            f->main = f->newAccount(u"main"_s);
            if (f->main.token.isEmpty())
                return nullptr;
            slot = std::move(f);
        }
        return slot.get();
    }

    QByteArray canary(Fixture &f) const
    {
        return "sk-LEAK-CANARY-" + QByteArray::number(++f.serial * 7919 + 100003);
    }
    QByteArray up(const QByteArray &path) const { return m_upstream.url(path); }
    // The upstream requests since `index`, failing the test unless there are `expected`.
    QJsonArray upstreamSince(int index, int expected) const
    {
        const QJsonArray entries = m_upstream.since(index);
        if (entries.size() != expected)
            QTest::qFail(qPrintable(u"the upstream received %1 requests, expected %2: %3"_s
                                            .arg(entries.size())
                                            .arg(expected)
                                            .arg(text(QJsonDocument(entries)
                                                              .toJson(QJsonDocument::Compact)
                                                              .left(1500)))),
                         __FILE__, __LINE__);
        return entries;
    }

    std::map<QString, std::unique_ptr<Fixture>> m_fixtures;
    Upstream m_upstream;
};

#define FIXTURE(f)        \
  Fixture *f = fixture(); \
  if (!f)                 \
    return;

} // namespace tap::test
