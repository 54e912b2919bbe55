// End-to-end tests of tapd's data plane (POST /forward, seed how-it-works-v1 "Request Flow",
// multi-account.txt, CONTRACT.md) against the real tapd binary (TAPD_BINARY) and a local fake
// upstream (tests/support/fake_upstream.py), on both backends (global rows "sqlite" and
// "postgres"): rejections, admin changes taking effect at once, injection, connectors,
// placeholders, policies, rate limits, response scrubbing (encodings, header names, chunk
// splits, compression, 32 MiB streams with backpressure), streaming, upstream failures, SSRF
// guards, linked teams, team isolation under concurrency, the audit trail, and the trail's
// durability across kill -9.
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

#include <atomic>
#include <csignal>
#include <map>
#include <memory>
#include <thread>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using tap::test::HttpClient;
using tap::test::HttpHeaders;
using tap::test::HttpResponse;
using namespace tap::test;

namespace {

// ---------------------------------------------------------------------------------------------
// Secret forms: what a credential value looks like in the encodings an upstream may echo it in
// (seed "Response Sanitization": exact, base64, URL-encoded; plus the base64url, form and JSON
// spellings and the secret inside a longer base64 run, as in an echoed Basic credential).

QByteArray lowerHex(QByteArray pct)
{
    for (qsizetype i = 0; i + 2 < pct.size(); ++i) {
        if (pct.at(i) == '%') {
            pct[i + 1] = char(QChar::toLower(uint(uchar(pct.at(i + 1)))));
            pct[i + 2] = char(QChar::toLower(uint(uchar(pct.at(i + 2)))));
        }
    }
    return pct;
}

QByteArray jsonEscaped(const QByteArray &value)
{
    const QByteArray doc =
            QJsonDocument(QJsonArray{ QString::fromUtf8(value) }).toJson(QJsonDocument::Compact);
    return doc.mid(2, doc.size() - 4); // ["..."]
}

// JSON string escaping with every non-ASCII character as \uXXXX (UTF-16 code units), as
// Python's json module writes it by default.
QByteArray jsonAsciiEscaped(const QByteArray &value, bool upperHex)
{
    QByteArray out;
    for (const QChar c : QString::fromUtf8(value)) {
        if (c.unicode() < 0x80) {
            out += jsonEscaped(QByteArray(1, char(c.unicode())));
            continue;
        }
        const QByteArray hex = QByteArray::number(c.unicode(), 16).rightJustified(4, '0');
        out += "\\u" + (upperHex ? hex.toUpper() : hex);
    }
    return out;
}

// The base64 characters that depend on the secret alone when it starts `offset` bytes into a
// longer base64-encoded run.
QByteArray base64Core(const QByteArray &value, int offset, QByteArray::Base64Options options)
{
    const QByteArray encoded = QByteArray(QByteArray(offset, '\0') + value).toBase64(options);
    const qsizetype first = (8 * offset + 5) / 6;
    const qsizetype last = 8 * (offset + value.size()) / 6;
    return encoded.mid(first, last - first);
}

QList<QByteArray> leakForms(const QByteArray &secret)
{
    using O = QByteArray::Base64Option;
    QList<QByteArray> forms{ secret };
    for (const auto alphabet : { O::Base64Encoding, O::Base64UrlEncoding }) {
        forms << secret.toBase64(alphabet) << secret.toBase64(alphabet | O::OmitTrailingEquals);
        for (int offset = 0; offset < 3; ++offset)
            forms << base64Core(secret, offset, alphabet);
    }
    const QByteArray pct = secret.toPercentEncoding();
    QByteArray form = secret.toPercentEncoding(" ");
    form.replace(' ', '+');
    forms << pct << lowerHex(pct) << form << lowerHex(form) << jsonEscaped(secret)
          << jsonAsciiEscaped(secret, false) << jsonAsciiEscaped(secret, true);
    forms.removeAll(QByteArray());

    return forms;
}

struct Secret
{
    QString name;
    QByteArray value;
};

// "" when none of the secrets occurs in `haystack` in any form, else which one and how.
QString findLeak(const QByteArray &haystack, const QList<Secret> &secrets)
{
    for (const Secret &s : secrets) {
        const QList<QByteArray> forms = leakForms(s.value);
        for (qsizetype i = 0; i < forms.size(); ++i) {
            if (haystack.contains(forms.at(i)))
                return u"the value of %1 (form %2: \"%3\")"_s.arg(s.name).arg(i).arg(
                        text(forms.at(i)));
        }
    }
    return {};
}

QByteArray marker(const QString &credential)
{
    return "[REDACTED:" + utf8(credential) + ']';
}

// What the agent got, as it reads it: the head as received and the decoded body (the raw
// bytes of a chunked body have framing inside a value split across chunks).
QByteArray received(const HttpResponse &r)
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
bool addCredential(QList<Secret> &secrets, const HttpClient &admin, const QString &name,
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

HttpHeaders parseHeaders(const QByteArray &lines)
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

} // namespace

class TestForward : public QObject
{
    Q_OBJECT

private:
    Fixture *fixture();
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

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
        QVERIFY(m_upstream.start());
    }
    void cleanupTestCase()
    {
        m_fixtures.clear();
        m_upstream.stop();
    }

    void rejections_data();
    void rejections();
    void agentLifecycle();
    void adminChangesApplyAtOnce();
    void directInjection();
    void sidecar();
    void placeholders();
    void policy_data();
    void policy();
    void rateLimits();
    void secretLeaks_data();
    void secretLeaks();
    void bigStream_data();
    void bigStream();
    void serverSentEvents();
    void redirectsAndCookies();
    void upstreamFailures();
    void ssrf();
    void multiAccount();
    void crossTeamIsolation();
    void auditRecords();
    void durability();
    void noSecretInTrails();
};

#define FIXTURE(f)        \
  Fixture *f = fixture(); \
  if (!f)                 \
    return;

// One tapd per backend, shared by the test functions (each makes its own agents and
// credentials, or its own teams).
Fixture *TestForward::fixture()
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

// ---------------------------------------------------------------------------------------------
// Pipeline rejections: status, error code, X-TAP-Request-Id, and nothing reaches the upstream.

void TestForward::rejections_data()
{
    QTest::addColumn<QByteArray>("key"); // "@": the agent's key
    QTest::addColumn<QByteArray>("credential");
    QTest::addColumn<QByteArray>("target"); // "@/...": on the fake upstream
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("headers"); // "Name: value" lines
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QStringList>("mentions"); // in the error message

    const QByteArray k = "@";
    const QByteArray cred = "rej-echo";
    const QByteArray echo = "@/echo";
    const QByteArray get = "GET";
    const QByteArray ph = "Authorization: Bearer <CREDENTIAL:rej-echo>\n";
    const QByteArray none;
    const QStringList nothing;
    const QByteArray wellFormed(43, 'A');

    QTest::newRow("no key") << none << cred << echo << get << none << none << 401
                            << u"unauthorized"_s << nothing;
    QTest::newRow("garbage key") << "garbage-key"_ba << cred << echo << get << none << none << 401
                                 << u"unauthorized"_s << nothing;
    QTest::newRow("unknown key") << "tap_" + wellFormed << cred << echo << get << none << none
                                 << 401 << u"unauthorized"_s << nothing;
    QTest::newRow("session token as key") << "taps_" + wellFormed << cred << echo << get << none
                                          << none << 401 << u"unauthorized"_s << nothing;
    QTest::newRow("unknown X-TAP header")
            << k << cred << echo << get << "X-TAP-Debug: 1"_ba << none << 400
            << u"unknown_tap_header"_s
            << QStringList{ u"X-TAP-Debug"_s,  u"X-TAP-Key"_s,    u"X-TAP-Credential"_s,
                            u"X-TAP-Target"_s, u"X-TAP-Method"_s, u"X-TAP-Team"_s };
    QTest::newRow("unknown x-tap header, lower case")
            << k << cred << echo << get << "x-tap-approve: yes"_ba << none << 400
            << u"unknown_tap_header"_s << QStringList{ u"x-tap-approve"_s, u"X-TAP-Credential"_s };
    QTest::newRow("team not linked")
            << k << cred << echo << get
            << "X-TAP-Team: " + QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1()
            << none << 403 << u"team_not_linked"_s << nothing;
    QTest::newRow("credential not granted")
            << k << "rej-ungranted"_ba << echo << get << none << none << 403
            << u"credential_not_allowed"_s << QStringList{ u"rej-ungranted"_s };
    QTest::newRow("unknown credential") << k << "no-such-credential"_ba << echo << get << none
                                        << none << 403 << u"credential_not_allowed"_s << nothing;
    QTest::newRow("host not in allowed_hosts") << k << "rej-narrow"_ba << echo << get << none
                                               << none << 403 << u"target_not_allowed"_s << nothing;
    QTest::newRow("another host") << k << cred << "http://example.org/echo"_ba << get << none
                                  << none << 403 << u"target_not_allowed"_s << nothing;
    QTest::newRow("look-alike host") << k << cred << "http://127.0.0.1.example.org/echo"_ba << get
                                     << none << none << 403 << u"target_not_allowed"_s << nothing;
    // Refused by the HTTP layer before the pipeline runs: the request id is there too.
    QTest::newRow("headers too large")
            << k << cred << echo << get << "X-Filler: " + QByteArray(40000, 'f') << none << 431
            << u"headers_too_large"_s << nothing;
    QTest::newRow("missing target") << k << cred << none << get << none << none << 400
                                    << u"invalid_request"_s << QStringList{ u"X-TAP-Target"_s };
    QTest::newRow("relative target, direct connector")
            << k << cred << "/echo"_ba << get << none << none << 400 << u"invalid_request"_s
            << nothing;
    QTest::newRow("user info in target") << k << cred << "http://user:pw@127.0.0.1:9/echo"_ba << get
                                         << none << none << 400 << u"invalid_request"_s << nothing;
    QTest::newRow("not http") << k << cred << "ftp://127.0.0.1/echo"_ba << get << none << none
                              << 400 << u"invalid_request"_s << nothing;
    QTest::newRow("bad method") << k << cred << echo << "GE T"_ba << none << none << 400
                                << u"invalid_request"_s << nothing;
    QTest::newRow("placeholder in another header")
            << k << none << echo << get << ph + "X-Note: <CREDENTIAL:rej-echo>" << none << 400
            << u"placeholder_not_allowed"_s << QStringList{ u"X-Note"_s };
    QTest::newRow("placeholder only in another header")
            << k << none << echo << get << "X-Custom: see <CREDENTIAL:rej-echo>"_ba << none << 400
            << u"placeholder_not_allowed"_s << nothing;
    QTest::newRow("placeholder in JSON body without opt-in")
            << k << none << echo << "POST"_ba << ph + "Content-Type: application/json"
            << R"({"text": "my key is <CREDENTIAL:rej-echo>"})"_ba << 400
            << u"placeholder_not_allowed"_s << QStringList{ u"text"_s };
    QTest::newRow("placeholder in form body without opt-in")
            << k << none << echo << "POST"_ba
            << ph + "Content-Type: application/x-www-form-urlencoded"
            << "token=%3CCREDENTIAL%3Arej-echo%3E&x=1"_ba << 400 << u"placeholder_not_allowed"_s
            << nothing;
    QTest::newRow("placeholder in a text body")
            << k << none << echo << "POST"_ba << ph + "Content-Type: text/plain"
            << "<CREDENTIAL:rej-echo>"_ba << 400 << u"placeholder_not_allowed"_s << nothing;
    QTest::newRow("placeholder in target")
            << k << none << "@/echo?q=<CREDENTIAL:rej-echo>"_ba << get << ph << none << 400
            << u"placeholder_not_allowed"_s << nothing;
    QTest::newRow("encoded placeholder in target")
            << k << none << "@/echo?q=%3CCREDENTIAL:rej-echo%3E"_ba << get << ph << none << 400
            << u"placeholder_not_allowed"_s << nothing;
    QTest::newRow("malformed placeholder")
            << k << none << echo << get << "Authorization: Bearer <CREDENTIAL:rej echo>"_ba << none
            << 400 << u"placeholder_not_allowed"_s << nothing;
    QTest::newRow("placeholder of an ungranted credential")
            << k << none << echo << get << "Authorization: Bearer <CREDENTIAL:rej-ungranted>"_ba
            << none << 403 << u"credential_not_allowed"_s << nothing;
    QTest::newRow("no credential named")
            << k << none << echo << get << none << none << 400 << u"invalid_request"_s << nothing;
}

void TestForward::rejections()
{
    FIXTURE(f);
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, credential);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, headers);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QStringList, mentions);

    if (!f->prepared.contains(u"rejections"_s)) {
        const HttpClient admin = f->tapd.client(f->main.token);
        QVERIFY(addCredential(f->secrets, admin, u"rej-echo"_s, canary(*f)));
        QVERIFY(addCredential(f->secrets, admin, u"rej-narrow"_s, canary(*f),
                              { { u"allowed_hosts"_s, strings({ u"api.example.com"_s }) } }));
        QVERIFY(addCredential(f->secrets, admin, u"rej-ungranted"_s, canary(*f)));
        for (const QString &c : { u"rej-echo"_s, u"rej-narrow"_s, u"rej-ungranted"_s })
            QVERIFY(autoApprove(admin, c));
        f->keys[u"rej"_s] = addAgent(admin, u"rej-agent"_s, { u"rej-echo"_s, u"rej-narrow"_s });
        RETURN_IF_FAILED();
        f->prepared << u"rejections"_s;
    }
    if (key == "@")
        key = f->keys.value(u"rej"_s);
    if (target.startsWith("@/"))
        target = up(target.mid(1));
    const int before = m_upstream.count();
    const HttpResponse r = forward(
            f->tapd.port(), { key, credential, target, method, parseHeaders(headers), body });
    EXPECT_FWD(r, status, code);
    for (const QString &m : std::as_const(mentions))
        QVERIFY2(r.errorMessage().contains(m),
                 qPrintable(u"\""_s + m + u"\" not in: "_s + r.errorMessage()));
    QCOMPARE(findLeak(received(r), f->secrets), QString());
    QCOMPARE(m_upstream.count(), before); // nothing reached the upstream
}

// ---------------------------------------------------------------------------------------------

void TestForward::agentLifecycle()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addCredential(f->secrets, admin, u"life-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"life-cred"_s));
    const QByteArray key = addAgent(admin, u"life-agent"_s, { u"life-cred"_s });
    RETURN_IF_FAILED();
    const Call call{ key, "life-cred", up("/echo") };
    const quint16 port = f->tapd.port();
    EXPECT_FWD(forward(port, call), 200, QString());

    // Disable blocks at once; enable works again on the very next request.
    const int before = m_upstream.count();
    EXPECT_STATUS(admin.post("/admin/agents/life-agent/disable"), 200);
    const HttpResponse disabled = forward(port, call);
    EXPECT_FWD(disabled, 403, u"forbidden"_s);
    QCOMPARE(m_upstream.count(), before);
    EXPECT_STATUS(admin.post("/admin/agents/life-agent/enable"), 200);
    EXPECT_FWD(forward(port, call), 200, QString());

    // Rotate: the old key is dead on the next request, the new one works.
    const HttpResponse rotated = admin.post("/admin/agents/life-agent/rotate-key");
    EXPECT_STATUS(rotated, 200);
    const QByteArray newKey = rotated.json().value(u"api_key"_s).toString().toLatin1();
    QVERIFY(newKey.startsWith("tap_") && newKey != key);
    f->keys[u"life-rotated"_s] = newKey;
    f->keys[u"life"_s] = key;
    EXPECT_FWD(forward(port, call), 401, u"unauthorized"_s);
    Call renewed = call;
    renewed.key = newKey;
    EXPECT_FWD(forward(port, renewed), 200, QString());

    // Deleted: 401 on the next request.
    EXPECT_STATUS(admin.del("/admin/agents/life-agent"), 200);
    const int beforeDelete = m_upstream.count();
    EXPECT_FWD(forward(port, renewed), 401, u"unauthorized"_s);
    QCOMPARE(m_upstream.count(), beforeDelete);
}

// Admin changes to credentials, policies and grants apply to the very next request.
void TestForward::adminChangesApplyAtOnce()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const QByteArray first = canary(*f);
    const QByteArray second = canary(*f) + "-rotated";
    QVERIFY(addCredential(f->secrets, admin, u"chg-cred"_s, first));
    QVERIFY(autoApprove(admin, u"chg-cred"_s));
    const QByteArray key = addAgent(admin, u"chg-agent"_s, { u"chg-cred"_s });
    RETURN_IF_FAILED();
    f->keys[u"chg"_s] = key;
    const quint16 port = f->tapd.port();
    const Call call{ key, "chg-cred", up("/echo"), "GET" };

    int before = m_upstream.count();
    EXPECT_FWD(forward(port, call), 200, QString());
    QCOMPARE(headerValues(upstreamSince(before, 1).first().toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + first });

    // A new value: injected and scrubbed from the next request on.
    f->secrets.append({ u"chg-cred"_s, second });
    EXPECT_STATUS(admin.put("/admin/credentials/chg-cred/value", { { u"value"_s, text(second) } }),
                  200);
    before = m_upstream.count();
    const HttpResponse rotated = forward(port, call);
    EXPECT_FWD(rotated, 200, QString());
    QCOMPARE(headerValues(upstreamSince(before, 1).first().toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + second });
    QVERIFY(rotated.body.contains(marker(u"chg-cred"_s)));
    QCOMPARE(findLeak(received(rotated), f->secrets), QString());

    // Policy: GET now needs approval, then is auto-approved again.
    QVERIFY(setPolicy(admin, u"chg-cred"_s,
                      { { u"require_approval_methods"_s, strings({ u"GET"_s }) } }));
    EXPECT_FWD(forward(port, call), 202, QString());
    QVERIFY(autoApprove(admin, u"chg-cred"_s));
    EXPECT_FWD(forward(port, call), 200, QString());

    // allowed_hosts narrowed; the grant withdrawn; the credential deleted.
    EXPECT_STATUS(admin.patch("/admin/credentials/chg-cred",
                              { { u"allowed_hosts"_s, strings({ u"api.example.com"_s }) } }),
                  200);
    EXPECT_FWD(forward(port, call), 403, u"target_not_allowed"_s);
    EXPECT_STATUS(admin.patch("/admin/credentials/chg-cred",
                              { { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) } }),
                  200);
    EXPECT_FWD(forward(port, call), 200, QString());
    EXPECT_STATUS(admin.patch("/admin/agents/chg-agent", { { u"credentials"_s, QJsonArray() } }),
                  200);
    EXPECT_FWD(forward(port, call), 403, u"credential_not_allowed"_s);
    EXPECT_STATUS(admin.patch("/admin/agents/chg-agent",
                              { { u"credentials"_s, strings({ u"chg-cred"_s }) } }),
                  200);
    EXPECT_FWD(forward(port, call), 200, QString());
    before = m_upstream.count();
    EXPECT_STATUS(admin.del("/admin/credentials/chg-cred"), 200);
    EXPECT_FWD(forward(port, call), 403, u"credential_not_allowed"_s);
    QCOMPARE(m_upstream.count(), before);
}

// Direct connector: the value goes into Authorization in the credential's format; the agent's
// own auth headers and X-TAP-* stay behind; the rest of the request arrives as sent; the answer
// is scrubbed.
void TestForward::directInjection()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const QByteArray bearer = canary(*f);
    const QByteArray token = canary(*f) + "-tok";
    QVERIFY(addCredential(f->secrets, admin, u"inj-bearer"_s, bearer));
    QVERIFY(addCredential(f->secrets, admin, u"inj-token"_s, token,
                          { { u"auth_header_format"_s, u"token={value}"_s } }));
    QVERIFY(autoApprove(admin, u"inj-bearer"_s));
    QVERIFY(autoApprove(admin, u"inj-token"_s));
    const QByteArray key = addAgent(admin, u"inj-agent"_s, { u"inj-bearer"_s, u"inj-token"_s });
    RETURN_IF_FAILED();
    f->keys[u"inj"_s] = key;
    const quint16 port = f->tapd.port();

    int before = m_upstream.count();
    const HttpResponse r = forward(port,
                                   { key,
                                     "inj-bearer",
                                     up("/echo?x=1&y=two"),
                                     "POST",
                                     { { "Authorization", "Bearer agent-own-token-0001" },
                                       { "X-Api-Key", "agent-own-api-key-0002" },
                                       { "X-Custom", "kept" },
                                       { "Content-Type", "text/plain; charset=utf-8" } },
                                     "hello upstream" });
    EXPECT_FWD(r, 200, QString());
    const QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    const QJsonObject e = seen.first().toObject();
    QCOMPARE(e.value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(e.value(u"path"_s).toString(), u"/echo"_s);
    QCOMPARE(e.value(u"query"_s).toString(), u"x=1&y=two"_s);
    QCOMPARE(e.value(u"body"_s).toString(), u"hello upstream"_s);
    QCOMPARE(headerValues(e, "Authorization"), QList<QByteArray>{ "Bearer " + bearer });
    QVERIFY(headerValues(e, "X-Api-Key").isEmpty());
    QCOMPARE(headerValue(e, "X-Custom"), QByteArray("kept"));
    QCOMPARE(headerValue(e, "Content-Type"), QByteArray("text/plain; charset=utf-8"));
    QCOMPARE(headerValue(e, "Host"), m_upstream.base().mid(7));
    for (const QString &name : headerNames(e))
        QVERIFY2(!name.startsWith(u"x-tap-"_s, Qt::CaseInsensitive), qPrintable(name));
    const QByteArray upstreamView = QJsonDocument(e).toJson();
    QVERIFY(!upstreamView.contains("agent-own"));
    QVERIFY(!upstreamView.contains(key));
    // The agent's answer: the echo, with the value redacted.
    QVERIFY2(r.body.contains(QByteArray("Bearer " + marker(u"inj-bearer"_s))), r.body.constData());
    QCOMPARE(findLeak(received(r), f->secrets), QString());
    QCOMPARE(r.json().value(u"method"_s).toString(), u"POST"_s);

    // auth_header_format "token={value}"; X-TAP-Method defaults to GET.
    before = m_upstream.count();
    const HttpResponse t = forward(port, { key, "inj-token", up("/echo"), QByteArray() });
    EXPECT_FWD(t, 200, QString());
    const QJsonArray seenToken = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(seenToken.first().toObject().value(u"method"_s).toString(), u"GET"_s);
    QCOMPARE(headerValues(seenToken.first().toObject(), "Authorization"),
             QList<QByteArray>{ "token=" + token });
    QVERIFY2(t.body.contains(QByteArray("token=" + marker(u"inj-token"_s))), t.body.constData());
    QCOMPARE(findLeak(received(t), f->secrets), QString());
}

// Sidecar connector: the request goes to api_base with X-OAuth-Credential and X-OAuth-Target;
// relative_target joins the agent's path to api_base and refuses "..".
void TestForward::sidecar()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    // The secret reaches the sidecar and, through it, the real target: both must be allowed.
    QVERIFY(addCredential(
            f->secrets, admin, u"side-abs"_s, canary(*f),
            { { u"connector"_s, u"sidecar"_s },
              { u"api_base"_s, text(up("/sidecar-echo")) },
              { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s, u"api.twitter.com"_s }) } }));
    QVERIFY(addCredential(f->secrets, admin, u"side-rel"_s, canary(*f),
                          { { u"connector"_s, u"sidecar"_s },
                            { u"api_base"_s, text(up("/sidecar-echo/bot")) },
                            { u"relative_target"_s, true } }));
    QVERIFY(autoApprove(admin, u"side-abs"_s));
    QVERIFY(autoApprove(admin, u"side-rel"_s));
    const QByteArray key = addAgent(admin, u"side-agent"_s, { u"side-abs"_s, u"side-rel"_s });
    RETURN_IF_FAILED();
    f->keys[u"side"_s] = key;
    const quint16 port = f->tapd.port();

    int before = m_upstream.count();
    const HttpResponse abs = forward(port,
                                     { key,
                                       "side-abs",
                                       "https://api.twitter.com/2/tweets",
                                       "POST",
                                       { { "Content-Type", "application/json" } },
                                       R"({"text":"hi"})" });
    EXPECT_FWD(abs, 200, QString());
    QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QJsonObject e = seen.first().toObject();
    QCOMPARE(e.value(u"path"_s).toString(), u"/sidecar-echo"_s);
    QCOMPARE(e.value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(e.value(u"body"_s).toString(), u"{\"text\":\"hi\"}"_s);
    QCOMPARE(headerValue(e, "X-OAuth-Credential"), QByteArray("side-abs"));
    QCOMPARE(headerValue(e, "X-OAuth-Target"), QByteArray("https://api.twitter.com/2/tweets"));
    QCOMPARE(headerValue(e, "X-OAuth-Method"), QByteArray("POST"));
    QCOMPARE(findLeak(received(abs), f->secrets), QString());
    QCOMPARE(abs.json().value(u"oauth"_s).toObject().value(u"X-OAuth-Credential"_s).toString(),
             u"side-abs"_s);
    // A real target outside allowed_hosts (or a metadata address) is refused before the sidecar.
    before = m_upstream.count();
    for (const QByteArray &elsewhere :
         { "https://evil.example/collect"_ba, "http://169.254.169.254/latest/meta-data/"_ba })
        EXPECT_FWD(forward(port, { key, "side-abs", elsewhere, "POST" }), 403,
                   u"target_not_allowed"_s);
    QCOMPARE(m_upstream.count(), before);

    before = m_upstream.count();
    const HttpResponse rel = forward(port, { key, "side-rel", "/sendMessage?chat_id=42", "POST" });
    EXPECT_FWD(rel, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    e = seen.first().toObject();
    QCOMPARE(e.value(u"path"_s).toString(), u"/sidecar-echo/bot/sendMessage"_s);
    QCOMPARE(e.value(u"query"_s).toString(), u"chat_id=42"_s);
    QCOMPARE(headerValue(e, "X-OAuth-Credential"), QByteArray("side-rel"));
    QVERIFY(headerValues(e, "X-OAuth-Target").isEmpty());
    QCOMPARE(findLeak(received(rel), f->secrets), QString());

    before = m_upstream.count();
    for (const QByteArray &bad :
         { "/../admin"_ba, "/a/../../x"_ba, "/%2e%2e/x"_ba, "/%252e%252e/x"_ba, "/a/..%2Fb"_ba,
           "../x"_ba, "https://evil.example/x"_ba, "//evil.example/x"_ba }) {
        const HttpResponse r = forward(port, { key, "side-rel", bad, "GET" });
        if (!verifyForward(r, 400, u"invalid_request"_s, bad.constData(), __FILE__, __LINE__))
            return;
    }
    QCOMPARE(m_upstream.count(), before);
}

// Legacy placeholders: Authorization and X-Api-Key anywhere, the body only in the credential's
// body_placeholder_fields.
void TestForward::placeholders()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const QByteArray authValue = canary(*f);
    const QByteArray bodyValue = canary(*f) + "+/ &\"=x"; // changes under JSON and form encoding
    QVERIFY(addCredential(f->secrets, admin, u"ph-auth"_s, authValue));
    QVERIFY(addCredential(
            f->secrets, admin, u"ph-body"_s, bodyValue,
            { { u"body_placeholder_fields"_s, strings({ u"token"_s, u"api_key"_s }) } }));
    QVERIFY(autoApprove(admin, u"ph-auth"_s));
    QVERIFY(autoApprove(admin, u"ph-body"_s));
    const QByteArray key = addAgent(admin, u"ph-agent"_s, { u"ph-auth"_s, u"ph-body"_s });
    RETURN_IF_FAILED();
    f->keys[u"ph"_s] = key;
    const quint16 port = f->tapd.port();

    // Authorization: Bearer <CREDENTIAL:name>
    int before = m_upstream.count();
    HttpResponse r = forward(port,
                             { key,
                               {},
                               up("/echo"),
                               "GET",
                               { { "Authorization", "Bearer <CREDENTIAL:ph-auth>" } } });
    EXPECT_FWD(r, 200, QString());
    QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(headerValues(seen.first().toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + authValue });
    QVERIFY(r.body.contains(marker(u"ph-auth"_s)));
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    // X-Api-Key: <CREDENTIAL:name>
    before = m_upstream.count();
    r = forward(port, { key, {}, up("/echo"), "GET", { { "X-Api-Key", "<CREDENTIAL:ph-auth>" } } });
    EXPECT_FWD(r, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(headerValues(seen.first().toObject(), "X-Api-Key"), QList<QByteArray>{ authValue });
    QVERIFY(headerValues(seen.first().toObject(), "Authorization").isEmpty());
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    // JSON body, opted-in field (at any depth); the rest of the body byte for byte.
    before = m_upstream.count();
    const QByteArray json =
            R"({"token": "<CREDENTIAL:ph-body>", "text": "hello", "n": 1.50, "data": {"api_key": "<CREDENTIAL:ph-body>"}})";
    r = forward(port,
                { key, {}, up("/echo"), "POST", { { "Content-Type", "application/json" } }, json });
    EXPECT_FWD(r, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    const QByteArray sentBody = seen.first().toObject().value(u"body"_s).toString().toUtf8();
    const QJsonObject parsed = QJsonDocument::fromJson(sentBody).object();
    QCOMPARE(parsed.value(u"token"_s).toString().toUtf8(), bodyValue);
    QCOMPARE(parsed.value(u"data"_s).toObject().value(u"api_key"_s).toString().toUtf8(), bodyValue);
    QCOMPARE(parsed.value(u"text"_s).toString(), u"hello"_s);
    QVERIFY2(sentBody.contains(R"("n": 1.50)"), sentBody.constData());
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    // Form body, opted-in field.
    before = m_upstream.count();
    r = forward(port,
                { key,
                  {},
                  up("/echo"),
                  "POST",
                  { { "Content-Type", "application/x-www-form-urlencoded" } },
                  "text=hi+there&token=%3CCREDENTIAL%3Aph-body%3E" });
    EXPECT_FWD(r, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QByteArray formToken;
    for (const QByteArray &field :
         seen.first().toObject().value(u"body"_s).toString().toUtf8().split('&')) {
        if (field.startsWith("token="))
            formToken = QByteArray::fromPercentEncoding(field.mid(6).replace('+', ' '));
    }
    QCOMPARE(formToken, bodyValue);
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    // Two credentials in one request: both injected, both scrubbed.
    before = m_upstream.count();
    r = forward(port,
                { key,
                  {},
                  up("/echo"),
                  "POST",
                  { { "Authorization", "Bearer <CREDENTIAL:ph-auth>" },
                    { "X-Api-Key", "<CREDENTIAL:ph-body>" } } });
    EXPECT_FWD(r, 200, QString());
    seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(headerValues(seen.first().toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + authValue });
    QCOMPARE(headerValues(seen.first().toObject(), "X-Api-Key"), QList<QByteArray>{ bodyValue });
    QVERIFY(r.body.contains(marker(u"ph-auth"_s)) && r.body.contains(marker(u"ph-body"_s)));
    QCOMPARE(findLeak(received(r), f->secrets), QString());

    // Not opted in: a field that is not listed, or a credential without body fields.
    before = m_upstream.count();
    r = forward(port,
                { key,
                  {},
                  up("/echo"),
                  "POST",
                  { { "Content-Type", "application/json" } },
                  R"({"text": "<CREDENTIAL:ph-body>"})" });
    EXPECT_FWD(r, 400, u"placeholder_not_allowed"_s);
    r = forward(port,
                { key,
                  {},
                  up("/echo"),
                  "POST",
                  { { "Content-Type", "application/json" } },
                  R"({"token": "<CREDENTIAL:ph-auth>"})" });
    EXPECT_FWD(r, 400, u"placeholder_not_allowed"_s);
    r = forward(port,
                { key,
                  {},
                  up("/echo"),
                  "POST",
                  { { "Content-Type", "application/json" } },
                  R"(["<CREDENTIAL:ph-body>"])" });
    EXPECT_FWD(r, 400, u"placeholder_not_allowed"_s);
    QCOMPARE(m_upstream.count(), before);
}

// ---------------------------------------------------------------------------------------------
// Policies (seed configuration.txt): auto-approved requests are forwarded, the others parked (202).

void TestForward::policy_data()
{
    QTest::addColumn<QByteArray>("credential");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");

    QTest::newRow("GET auto-approved") << "pol-std"_ba
                                       << "GET"_ba
                                       << "/echo"_ba << 200;
    QTest::newRow("method in lower case") << "pol-std"_ba
                                          << "get"_ba
                                          << "/echo"_ba << 200;
    QTest::newRow("HEAD follows GET") << "pol-std"_ba
                                      << "HEAD"_ba
                                      << "/echo"_ba << 200;
    QTest::newRow("POST requires approval") << "pol-std"_ba
                                            << "POST"_ba
                                            << "/echo"_ba << 202;
    QTest::newRow("DELETE requires approval") << "pol-std"_ba
                                              << "DELETE"_ba
                                              << "/echo"_ba << 202;
    QTest::newRow("PATCH not listed") << "pol-std"_ba
                                      << "PATCH"_ba
                                      << "/echo"_ba << 202;
    QTest::newRow("POST to an auto_approve_url") << "pol-std"_ba
                                                 << "POST"_ba
                                                 << "/echo/public/x"_ba << 200;
    QTest::newRow("no policy, GET") << "pol-none"_ba
                                    << "GET"_ba
                                    << "/echo"_ba << 202;
    QTest::newRow("no policy, POST") << "pol-none"_ba
                                     << "POST"_ba
                                     << "/echo"_ba << 202;
    QTest::newRow("HEAD follows GET into approval") << "pol-strict"_ba
                                                    << "HEAD"_ba
                                                    << "/echo"_ba << 202;
}

void TestForward::policy()
{
    FIXTURE(f);
    QFETCH(QByteArray, credential);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    if (!f->prepared.contains(u"policy"_s)) {
        const HttpClient admin = f->tapd.client(f->main.token);
        for (const QString &c : { u"pol-std"_s, u"pol-none"_s, u"pol-strict"_s })
            QVERIFY(addCredential(f->secrets, admin, c, canary(*f)));
        QVERIFY(setPolicy(
                admin, u"pol-std"_s,
                { { u"auto_approve_methods"_s, strings({ u"GET"_s }) },
                  { u"require_approval_methods"_s, strings({ u"POST"_s, u"PUT"_s, u"DELETE"_s }) },
                  { u"auto_approve_urls"_s, strings({ u"/echo/public"_s }) } }));
        QVERIFY(setPolicy(admin, u"pol-strict"_s,
                          { { u"auto_approve_methods"_s, strings({ u"POST"_s }) },
                            { u"require_approval_methods"_s, strings({ u"GET"_s }) } }));
        const QStringList creds{ u"pol-std"_s, u"pol-none"_s, u"pol-strict"_s };
        f->keys[u"pol"_s] = addAgent(admin, u"pol-agent"_s, creds);
        f->keys[u"pol-peer"_s] = addAgent(admin, u"pol-peer"_s, creds);
        RETURN_IF_FAILED();
        f->prepared << u"policy"_s;
    }
    const QByteArray key = f->keys.value(u"pol"_s);
    const quint16 port = f->tapd.port();
    const int before = m_upstream.count();
    const HttpResponse r = forward(port, { key, credential, up(path), method });
    EXPECT_FWD(r, status, QString());
    if (status == 200) {
        const QJsonArray seen = upstreamSince(before, 1);
        RETURN_IF_FAILED();
        QCOMPARE(seen.first().toObject().value(u"method"_s).toString().toLatin1(),
                 method.toUpper());
        QCOMPARE(seen.first().toObject().value(u"path"_s).toString().toLatin1(), path);
        return;
    }
    // Parked: CONTRACT.md 202 shape, nothing forwarded.
    QCOMPARE(m_upstream.count(), before);
    const QJsonObject p = r.json();
    const QString txn = p.value(u"txn_id"_s).toString();
    QVERIFY2(!txn.isEmpty(), r.body.constData());
    QCOMPARE(p.value(u"status"_s).toString(), u"pending"_s);
    QCOMPARE(p.value(u"poll_url"_s).toString(), u"/agent/approvals/"_s + txn);
    QVERIFY2(p.value(u"approval_url"_s).toString().endsWith(u"/approve/"_s + txn),
             r.body.constData());
    QVERIFY2(QUrl(p.value(u"approval_url"_s).toString()).scheme().startsWith(u"http"_s),
             r.body.constData());
    const QDateTime expires =
            QDateTime::fromString(p.value(u"expires_at"_s).toString(), Qt::ISODateWithMs);
    QVERIFY2(expires.isValid(), r.body.constData());
    const qint64 ahead = QDateTime::currentDateTimeUtc().secsTo(expires);
    QVERIFY2(ahead > 3000 && ahead <= 3700, qPrintable(u"expires_at is %1 s ahead"_s.arg(ahead)));

    // The poll: the same agent sees "pending"; another agent, and no key, see nothing.
    const HttpClient c = f->tapd.client();
    const QByteArray pollPath = p.value(u"poll_url"_s).toString().toLatin1();
    const HttpResponse mine = c.get(pollPath, { { "X-TAP-Key", key } });
    EXPECT_STATUS(mine, 200);
    QCOMPARE(mine.json().value(u"txn_id"_s).toString(), txn);
    QCOMPARE(mine.json().value(u"status"_s).toString(), u"pending"_s);
    EXPECT_ERROR(c.get(pollPath, { { "X-TAP-Key", f->keys.value(u"pol-peer"_s) } }), 404,
                 u"not_found"_s);
    EXPECT_ERROR(c.get(pollPath), 401, u"unauthorized"_s);
    EXPECT_ERROR(c.get("/agent/approvals/"
                               + QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1(),
                       { { "X-TAP-Key", key } }),
                 404, u"not_found"_s);
}

// ---------------------------------------------------------------------------------------------
// Rate limits: exact hourly counts per agent, per role, per team.

void TestForward::rateLimits()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const quint16 port = f->tapd.port();
    QVERIFY(addCredential(f->secrets, admin, u"rl-cred"_s, canary(*f)));
    QVERIFY(addCredential(f->secrets, admin, u"rl-role-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"rl-cred"_s));
    QVERIFY(autoApprove(admin, u"rl-role-cred"_s));
    QVERIFY(addRole(admin, u"rl-role"_s, { u"rl-role-cred"_s }, 2));
    const QByteArray agentKey = addAgent(admin, u"rl-agent"_s, { u"rl-cred"_s }, {}, 3);
    const QByteArray roleKey = addAgent(admin, u"rl-role-agent"_s, {}, { u"rl-role"_s });
    RETURN_IF_FAILED();

    // rate_limit_per_hour 3: six requests at once, exactly three admitted.
    int before = m_upstream.count();
    std::vector<HttpResponse> answers(6);
    {
        std::vector<std::thread> threads;
        for (size_t i = 0; i < answers.size(); ++i)
            threads.emplace_back([&, i] {
                answers[i] = forward(port, { agentKey, "rl-cred", up("/echo"), "GET" });
            });
        for (auto &t : threads)
            t.join();
    }
    int admitted = 0;
    for (const HttpResponse &r : answers) {
        if (r.status == 200) {
            ++admitted;
            continue;
        }
        EXPECT_FWD(r, 429, u"rate_limited"_s);
        bool ok = false;
        const int retry = r.header("Retry-After").toInt(&ok);
        QVERIFY2(ok && retry > 0 && retry <= 3600, r.header("Retry-After").constData());
    }
    QCOMPARE(admitted, 3);
    QCOMPARE(m_upstream.count(), before + 3);
    EXPECT_FWD(forward(port, { agentKey, "rl-cred", up("/echo"), "GET" }), 429, u"rate_limited"_s);

    // A role's limit, for a credential held only through that role.
    before = m_upstream.count();
    for (int i = 0; i < 2; ++i)
        EXPECT_FWD(forward(port, { roleKey, "rl-role-cred", up("/echo"), "GET" }), 200, QString());
    const HttpResponse roleLimited = forward(port, { roleKey, "rl-role-cred", up("/echo"), "GET" });
    EXPECT_FWD(roleLimited, 429, u"rate_limited"_s);
    QVERIFY(!roleLimited.header("Retry-After").isEmpty());
    QCOMPARE(m_upstream.count(), before + 2);

    // Two teams, an agent of the same name in each: separate buckets.
    const Account other = f->newAccount(u"rl-other"_s);
    RETURN_IF_FAILED();
    const HttpClient otherAdmin = f->tapd.client(other.token);
    QVERIFY(addCredential(f->secrets, admin, u"rl-same"_s, canary(*f)));
    QVERIFY(addCredential(f->secrets, otherAdmin, u"rl-same"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"rl-same"_s));
    QVERIFY(autoApprove(otherAdmin, u"rl-same"_s));
    const QByteArray mainBot = addAgent(admin, u"rl-bot"_s, { u"rl-same"_s }, {}, 2);
    const QByteArray otherBot = addAgent(otherAdmin, u"rl-bot"_s, { u"rl-same"_s }, {}, 2);
    RETURN_IF_FAILED();
    for (int i = 0; i < 2; ++i)
        EXPECT_FWD(forward(port, { mainBot, "rl-same", up("/echo"), "GET" }), 200, QString());
    EXPECT_FWD(forward(port, { mainBot, "rl-same", up("/echo"), "GET" }), 429, u"rate_limited"_s);
    for (int i = 0; i < 2; ++i)
        EXPECT_FWD(forward(port, { otherBot, "rl-same", up("/echo"), "GET" }), 200, QString());
    EXPECT_FWD(forward(port, { otherBot, "rl-same", up("/echo"), "GET" }), 429, u"rate_limited"_s);

    // Two tapd processes on one database share the buckets: a limit of 4, eight requests
    // spread over both processes at once, exactly four admitted.
    Tapd second;
    QVERIFY(second.startSharing(f->tapd));
    const QByteArray shared = addAgent(admin, u"rl-shared"_s, { u"rl-cred"_s }, {}, 4);
    RETURN_IF_FAILED();
    before = m_upstream.count();
    std::vector<int> statuses(8);
    {
        std::vector<std::thread> threads;
        for (size_t i = 0; i < statuses.size(); ++i)
            threads.emplace_back([&, i] {
                const quint16 p = i % 2 ? second.port() : port;
                statuses[i] = forward(p, { shared, "rl-cred", up("/echo"), "GET" }).status;
            });
        for (auto &t : threads)
            t.join();
    }
    QCOMPARE(std::count(statuses.begin(), statuses.end(), 200), 4);
    QCOMPARE(std::count(statuses.begin(), statuses.end(), 429), 4);
    QCOMPARE(m_upstream.count(), before + 4);
    EXPECT_CLEAN_STOP(second);
}

// ---------------------------------------------------------------------------------------------
// Response scrubbing: whatever the encoding, placement, chunking or compression, the agent
// never sees a value. "{R}" in the expectations stands for "[REDACTED:<credential>]"; "*"
// means "not compared byte for byte"; a leading "!" means that refusing the answer as an
// upstream_error (502) is as good as delivering it scrubbed.

void TestForward::secretLeaks_data()
{
    QTest::addColumn<QString>("credential");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("expectedBody");
    QTest::addColumn<QByteArray>("expectedHeader"); // X-Reflect; "" = absent

    const QList<QByteArray> encodings{ "raw",         "b64",      "b64nopad", "b64url",
                                       "b64urlnopad", "pct",      "pctlower", "form",
                                       "json",        "jsonutf8", "basic" };
    for (const char *credential : { "leak-canary", "leak-tricky", "leak-utf8" }) {
        const QString name = QString::fromLatin1(credential);
        for (const QByteArray &enc : encodings) {
            const bool exact = enc != "basic"; // a Basic credential keeps the bits of "user:"
            QTest::addRow("%s reflect %s in body", credential, enc.constData())
                    << name << "/reflect?where=body&enc=" + enc
                    << (exact ? "reflected: <{R}> end"_ba : "*"_ba) << QByteArray();
            QTest::addRow("%s reflect %s in header", credential, enc.constData())
                    << name << "/reflect?where=header&enc=" + enc << "nothing here"_ba
                    << (exact ? "{R}"_ba : "*"_ba);
            QTest::addRow("%s gzip %s", credential, enc.constData())
                    << name << "/gzip?enc=" + enc
                    << (exact ? "compressed <{R}> end " + QByteArray(64, 'z') : "*"_ba)
                    << QByteArray();
        }
        for (const QByteArray &enc : { "raw"_ba, "b64"_ba, "pct"_ba, "form"_ba, "json"_ba }) {
            for (const int chunk : { 1, 2, 3, 7, 64 }) {
                QByteArray expected = "begin|";
                for (int offset = 0; offset < chunk + 2; ++offset)
                    expected += QByteArray(offset, '.') + "{R}|";
                expected += "end";
                QTest::addRow("%s split %s chunk %d", credential, enc.constData(), chunk)
                        << name
                        << "/split?enc=" + enc + "&chunk=" + QByteArray::number(chunk)
                                + (chunk <= 3 ? "&delay_ms=1" : "")
                        << expected << QByteArray();
            }
        }
        const QByteArray compressed = "compressed <{R}> end " + QByteArray(64, 'z');
        QTest::addRow("%s brotli", credential)
                << name << "/br?enc=raw"_ba << compressed << QByteArray();
        QTest::addRow("%s brotli b64", credential)
                << name << "/br?enc=b64"_ba << compressed << QByteArray();
        QTest::addRow("%s gzip twice", credential)
                << name << "/gzip?enc=raw&layers=2"_ba << compressed << QByteArray();
        QTest::addRow("%s identity coding", credential)
                << name << "/encoded?ce=identity&enc=raw"_ba << compressed << QByteArray();
        // Labelled with a coding that it is not in: never passed on as if it were opaque.
        for (const char *coding : { "x-unknown", "compress", "zstd", "br", "gzip" })
            QTest::addRow("%s mislabelled %s", credential, coding)
                    << name << "/encoded?enc=raw&ce=" + QByteArray(coding) << "!" + compressed
                    << QByteArray();
        // The value as (part of) a header name.
        for (const QByteArray &enc : { "b64urlnopad"_ba, "pct"_ba, "raw"_ba }) {
            if (enc == "raw" && name != u"leak-canary"_s)
                continue; // spaces, non-ASCII: not a header name
            QTest::addRow("%s reflect %s in a header name", credential, enc.constData())
                    << name << "/reflect?where=headername&enc=" + enc << "nothing here"_ba
                    << QByteArray();
        }
    }
}

void TestForward::secretLeaks()
{
    FIXTURE(f);
    QFETCH(QString, credential);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, expectedBody);
    QFETCH(QByteArray, expectedHeader);
    if (path.startsWith("/br") && !m_upstream.hasBrotli())
        QSKIP("the fake upstream has no brotli module (python3-brotli)");
    if (!f->prepared.contains(u"leaks"_s)) {
        const HttpClient admin = f->tapd.client(f->main.token);
        QVERIFY(addCredential(f->secrets, admin, u"leak-canary"_s, canary(*f)));
        // Every character of it changes under some encoding; its base64 has '+' (base64url '-').
        QVERIFY(addCredential(f->secrets, admin, u"leak-tricky"_s, R"(a+b/c=d e&f"~?>>)"));
        // Non-ASCII: percent-encoded as UTF-8 bytes, and \u-escaped by some JSON serializers.
        QVERIFY(addCredential(f->secrets, admin, u"leak-utf8"_s,
                              utf8(u"pässwörd-€-ünïcode-\U0001F511"_s)));
        const QStringList names{ u"leak-canary"_s, u"leak-tricky"_s, u"leak-utf8"_s };
        for (const QString &name : names)
            QVERIFY(autoApprove(admin, name));
        f->keys[u"leak"_s] = addAgent(admin, u"leak-agent"_s, names);
        RETURN_IF_FAILED();
        f->prepared << u"leaks"_s;
    }
    const HttpResponse r = forward(f->tapd.port(),
                                   { f->keys.value(u"leak"_s), utf8(credential), up(path), "GET" });
    const QString leak = findLeak(received(r), f->secrets);
    QVERIFY2(leak.isEmpty(), qPrintable(leak + u" in: "_s + text(received(r).left(2000))));
    if (expectedBody.startsWith('!')) {
        if (r.status == 502) {
            EXPECT_FWD(r, 502, u"upstream_error"_s);
            return;
        }
        expectedBody.remove(0, 1);
    }
    EXPECT_FWD(r, 200, QString());
    for (const auto &[name, value] : r.headers)
        QVERIFY2(!name.startsWith("X-Reflect-"), name.constData());
    QVERIFY2(r.header("Content-Encoding").isEmpty(),
             "the agent got a body it would have to decode itself");
    const QByteArray m = marker(credential);
    if (expectedBody == "*")
        QVERIFY2(r.body.contains(m), r.body.constData());
    else
        QCOMPARE(r.body, QByteArray(expectedBody).replace("{R}", m));
    if (expectedHeader.isEmpty())
        QVERIFY(r.header("X-Reflect").isEmpty());
    else if (expectedHeader == "*")
        QVERIFY2(r.header("X-Reflect").contains(m), r.header("X-Reflect").constData());
    else
        QCOMPARE(r.header("X-Reflect"), QByteArray(expectedHeader).replace("{R}", m));
}

// Large bodies streamed through the scrubber: every embedded value redacted, every other byte
// kept, also when the agent reads slower than the upstream sends (backpressure).
void TestForward::bigStream_data()
{
    QTest::addColumn<int>("blocks"); // MiB
    QTest::addColumn<QByteArray>("framing");
    QTest::addColumn<int>("readDelayMs"); // the agent sleeps this long between reads, for 2 s
    QTest::newRow("32 MiB chunked") << 32 << "chunked"_ba << 0;
    QTest::newRow("8 MiB with Content-Length, slow reader") << 8 << "length"_ba << 10;
}

void TestForward::bigStream()
{
    FIXTURE(f);
    QFETCH(int, blocks);
    QFETCH(QByteArray, framing);
    QFETCH(int, readDelayMs);
    const HttpClient admin = f->tapd.client(f->main.token);
    if (!f->prepared.contains(u"big"_s)) {
        QVERIFY(addCredential(f->secrets, admin, u"big-cred"_s, canary(*f)));
        QVERIFY(autoApprove(admin, u"big-cred"_s));
        f->keys[u"big"_s] = addAgent(admin, u"big-agent"_s, { u"big-cred"_s });
        RETURN_IF_FAILED();
        f->prepared << u"big"_s;
    }
    const QByteArray key = f->keys.value(u"big"_s);
    QByteArray value;
    for (const Secret &secret : std::as_const(f->secrets)) {
        if (secret.name == u"big-cred"_s)
            value = secret.value;
    }

    constexpr int mib = 1024 * 1024;
    StreamingReader s;
    QVERIFY(s.open(f->tapd.port(),
                   { key, "big-cred",
                     up("/big?mb=" + QByteArray::number(blocks) + "&framing=" + framing), "GET" }));
    while (s.pump(kRequestTimeoutMs)) {
        if (readDelayMs > 0 && s.elapsedMs() < 2000)
            QThread::msleep(ulong(readDelayMs));
    }
    QVERIFY2(s.done(),
             qPrintable(u"incomplete after %1 bytes: "_s.arg(s.body().size()) + text(s.head())));
    QCOMPARE(s.status(), 200);
    const QByteArray requestId = s.header("X-TAP-Request-Id");
    QVERIFY(!requestId.isEmpty());

    // The body as fake_upstream.py builds it, with each value replaced by the marker.
    static const QByteArray alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    const QByteArray m = marker(u"big-cred"_s);
    QByteArray expected;
    expected.reserve(qsizetype(blocks) * mib + blocks * m.size());
    QByteArray block(mib, '\0');
    for (int b = 0; b < blocks; ++b) {
        const qint64 start = qint64(b) * mib;
        for (int i = 0; i < mib; ++i)
            block[i] = alphabet.at((start + i) % alphabet.size());
        const int at = int((qint64(b) * 104729 + 13) % (mib - value.size()));
        expected += QByteArrayView(block).first(at);
        expected += m;
        expected += QByteArrayView(block).sliced(at + value.size());
    }
    QCOMPARE(s.body().size(), expected.size());
    if (s.body() != expected) {
        qsizetype i = 0;
        while (s.body().at(i) == expected.at(i))
            ++i;
        QFAIL(qPrintable(u"the body differs from byte %1: \"%2\" instead of \"%3\""_s.arg(i).arg(
                text(s.body().mid(i, 40)), text(expected.mid(i, 40)))));
    }
    QCOMPARE(s.body().count(m), qsizetype(blocks));
    QCOMPARE(findLeak(s.body(), f->secrets), QString());

    // The audit record is completed with the count once the stream has ended.
    QJsonObject record;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000) {
        const QList<QJsonObject> found =
                withRequestId(auditItems(admin, "kind=forward&agent_id=big-agent"), requestId);
        if (found.size() == 1 && found.first().value(u"redactions"_s).toInt() == blocks) {
            record = found.first();
            break;
        }
        QTest::qWait(100);
    }
    QVERIFY2(!record.isEmpty(), "no audit record with one redaction per MiB");
    QCOMPARE(record.value(u"status"_s).toInt(), 200);
    QCOMPARE(record.value(u"decision"_s).toString(), u"auto"_s);
}

// text/event-stream arrives event by event, not once the upstream is done.
void TestForward::serverSentEvents()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addCredential(f->secrets, admin, u"sse-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"sse-cred"_s));
    const QByteArray key = addAgent(admin, u"sse-agent"_s, { u"sse-cred"_s });
    RETURN_IF_FAILED();
    f->keys[u"sse"_s] = key;

    constexpr int events = 5;
    constexpr int gapMs = 300;
    StreamingReader s;
    QVERIFY(s.open(f->tapd.port(), { key, "sse-cred", up("/sse?n=5&gap_ms=300"), "GET" }));
    QList<qint64> arrival(events, -1);
    while (s.pump(kRequestTimeoutMs)) {
        for (int i = 0; i < events; ++i) {
            if (arrival[i] < 0
                && s.body().contains(QByteArray("data: event " + QByteArray::number(i) + " sent")))
                arrival[i] = s.elapsedMs();
        }
    }
    QVERIFY2(s.done(), s.body().constData());
    QCOMPARE(s.status(), 200);
    QVERIFY(s.header("Content-Type").startsWith("text/event-stream"));
    QVERIFY(!s.header("X-TAP-Request-Id").isEmpty());
    for (int i = 0; i < events; ++i)
        QVERIFY2(arrival[i] >= 0, qPrintable(u"event %1 missing: "_s.arg(i) + text(s.body())));
    // The upstream sends the last event (events - 1) * gapMs after the first: the first must
    // have reached the agent well before that.
    const qint64 spread = arrival.last() - arrival.first();
    QVERIFY2(spread >= (events - 1) * gapMs / 2, qPrintable(u"events arrived at %1 ms"_s.arg([&] {
                 QStringList l;
                 for (qint64 a : arrival)
                     l << QString::number(a);
                 return l.join(u", "_s);
             }())));
    for (int i = 1; i < events; ++i)
        QVERIFY(arrival[i] >= arrival[i - 1]);
}

// Redirects are the agent's to follow (or not); cookies stay with nobody.
void TestForward::redirectsAndCookies()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addCredential(f->secrets, admin, u"rc-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"rc-cred"_s));
    const QByteArray a = addAgent(admin, u"rc-agent-a"_s, { u"rc-cred"_s });
    const QByteArray b = addAgent(admin, u"rc-agent-b"_s, { u"rc-cred"_s });
    RETURN_IF_FAILED();
    f->keys[u"rc-a"_s] = a;
    f->keys[u"rc-b"_s] = b;
    const quint16 port = f->tapd.port();

    int before = m_upstream.count();
    const HttpResponse moved = forward(port, { a, "rc-cred", up("/redirect"), "GET" });
    EXPECT_FWD(moved, 302, QString());
    QCOMPARE(moved.header("Location"), QByteArray("/echo"));
    QTest::qWait(200); // a followed redirect would show up now
    const QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(seen.first().toObject().value(u"path"_s).toString(), u"/redirect"_s);

    EXPECT_FWD(forward(port, { a, "rc-cred", up("/setcookie"), "GET" }), 200, QString());
    for (const QByteArray &key : { b, a }) {
        before = m_upstream.count();
        const HttpResponse r = forward(port, { key, "rc-cred", up("/cookie"), "GET" });
        EXPECT_FWD(r, 200, QString());
        const QJsonArray cookieSeen = upstreamSince(before, 1);
        RETURN_IF_FAILED();
        QVERIFY2(headerValues(cookieSeen.first().toObject(), "Cookie").isEmpty(),
                 QJsonDocument(cookieSeen.first().toObject()).toJson().constData());
        QVERIFY(r.json().value(u"cookie"_s).isNull());
    }
}

// Upstream failures: nothing listening, too slow, and dying in the middle of a streamed body.
// The agent gets a clear error, or a stream it can tell is cut short; the trail has them all.
void TestForward::upstreamFailures()
{
    FIXTURE(f);
    QProcessEnvironment env;
    env.insert(u"TAP_FORWARD_TIMEOUT_S"_s, u"2"_s);
    Tapd tapd(true, env);
    if (!tapd.start())
        return;
    const Account owner = signUp(tapd, u"failures"_s, u"failures@example.test"_s);
    RETURN_IF_FAILED();
    const HttpClient admin = tapd.client(owner.token);
    QList<Secret> secrets;
    QVERIFY(addCredential(secrets, admin, u"fail-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"fail-cred"_s));
    const QByteArray key = addAgent(admin, u"fail-agent"_s, { u"fail-cred"_s });
    RETURN_IF_FAILED();
    const quint16 port = tapd.port();

    quint16 closedPort = 0;
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        closedPort = server.serverPort();
    }
    const HttpResponse refused =
            forward(port,
                    { key, "fail-cred", "http://127.0.0.1:" + QByteArray::number(closedPort) + "/x",
                      "GET" });
    EXPECT_FWD(refused, 502, u"upstream_error"_s);

    QElapsedTimer timer;
    timer.start();
    const HttpResponse slow = forward(port, { key, "fail-cred", up("/slow?ms=8000"), "GET" });
    EXPECT_FWD(slow, 504, u"upstream_timeout"_s);
    QVERIFY2(timer.elapsed() < 7000,
             qPrintable(u"the 2 s timeout took %1 ms"_s.arg(timer.elapsed())));

    StreamingReader cut;
    QVERIFY(cut.open(port, { key, "fail-cred", up("/big?mb=8&abort_kib=2048"), "GET" }));
    while (cut.pump(kRequestTimeoutMs)) { }
    QCOMPARE(findLeak(cut.body(), secrets), QString());
    if (cut.status() != 502) { // the failure may come before the first byte: then an error
        QCOMPARE(cut.status(), 200);
        QVERIFY2(!cut.done(),
                 qPrintable(u"a body cut at %1 of 8 MiB was passed on as complete"_s.arg(
                         cut.body().size())));
        QVERIFY(cut.body().size() < 8 * 1024 * 1024);
    }

    const QList<QJsonObject> trail = auditItems(admin);
    RETURN_IF_FAILED();
    const QList<std::pair<QByteArray, int>> expected{ { refused.header("X-TAP-Request-Id"), 502 },
                                                      { slow.header("X-TAP-Request-Id"), 504 },
                                                      { cut.header("X-TAP-Request-Id"),
                                                        cut.status() } };
    for (const auto &[id, status] : expected) {
        const QList<QJsonObject> found = withRequestId(trail, id);
        QVERIFY2(found.size() == 1, id.constData());
        QCOMPARE(found.first().value(u"status"_s).toInt(), status);
        QVERIFY2(found.first().value(u"reason"_s).isString(),
                 QJsonDocument(found.first()).toJson(QJsonDocument::Compact).constData());
    }
    QCOMPARE(findLeak(tapd.log() + tapd.auditFile(), secrets), QString());
    EXPECT_CLEAN_STOP(tapd);
}

// ---------------------------------------------------------------------------------------------
// SSRF: without TAP_ALLOW_PRIVATE_TARGETS loopback is refused before any connection; cloud
// metadata and "this host" stay refused with it. A listening trap counts connections.

void TestForward::ssrf()
{
    FIXTURE(f);
    QTcpServer trap;
    QVERIFY(trap.listen(QHostAddress::Any, 0));
    const QByteArray trapPort = QByteArray::number(trap.serverPort());
    const auto noConnection = [&trap] {
        return !trap.waitForNewConnection(300) && !trap.hasPendingConnections();
    };

    // The shared tapd allows private targets: metadata and 0.0.0.0 are still refused.
    {
        const HttpClient admin = f->tapd.client(f->main.token);
        QVERIFY(addCredential(
                f->secrets, admin, u"ssrf-meta"_s, canary(*f),
                { { u"allowed_hosts"_s, strings({ u"169.254.169.254"_s, u"0.0.0.0"_s }) } }));
        QVERIFY(autoApprove(admin, u"ssrf-meta"_s));
        const QByteArray key = addAgent(admin, u"ssrf-agent"_s, { u"ssrf-meta"_s });
        RETURN_IF_FAILED();
        f->keys[u"ssrf"_s] = key;
        for (const QByteArray &target : { "http://169.254.169.254/latest/meta-data/"_ba,
                                          QByteArray("http://0.0.0.0:" + trapPort + "/echo") }) {
            const HttpResponse r = forward(f->tapd.port(), { key, "ssrf-meta", target, "GET" });
            if (!verifyForward(r, 403, u"target_not_allowed"_s, target.constData(), __FILE__,
                               __LINE__))
                return;
        }
        QVERIFY(noConnection());
    }

    // A second tapd with the default (no private targets).
    Tapd strict(false);
    if (!strict.start())
        return;
    const Account owner = signUp(strict, u"ssrf-team"_s, u"ssrf@example.test"_s);
    RETURN_IF_FAILED();
    const HttpClient admin = strict.client(owner.token);
    QList<Secret> secrets;
    QVERIFY(addCredential(secrets, admin, u"loop"_s, canary(*f),
                          { { u"allowed_hosts"_s,
                              strings({ u"127.0.0.1"_s, u"localhost"_s, u"[::1]"_s, u"127.1.2.3"_s,
                                        u"[::ffff:127.0.0.1]"_s, u"[::ffff:7f00:1]"_s }) } }));
    QVERIFY(autoApprove(admin, u"loop"_s));
    const QByteArray key = addAgent(admin, u"loop-agent"_s, { u"loop"_s });
    RETURN_IF_FAILED();
    const int before = m_upstream.count();
    // Other spellings of loopback: IPv4-mapped IPv6, and the decimal, hex and short forms
    // that URL parsers turn into 127.0.0.1.
    for (const QByteArray &host :
         { "127.0.0.1"_ba, "localhost"_ba, "[::1]"_ba, "127.1.2.3"_ba, "[::ffff:127.0.0.1]"_ba,
           "[::ffff:7f00:1]"_ba, "2130706433"_ba, "0x7f000001"_ba, "127.1"_ba }) {
        const QByteArray target = "http://" + host + ':' + trapPort + "/echo";
        const HttpResponse r = forward(strict.port(), { key, "loop", target, "GET" });
        if (!verifyForward(r, 403, u"target_not_allowed"_s, target.constData(), __FILE__, __LINE__))
            return;
        QVERIFY2(noConnection(), target.constData());
    }
    // The fake upstream (also loopback) is just as unreachable.
    EXPECT_FWD(forward(strict.port(), { key, "loop", up("/echo"), "GET" }), 403,
               u"target_not_allowed"_s);
    QCOMPARE(m_upstream.count(), before);
    QCOMPARE(findLeak(strict.log() + strict.auditFile(), secrets), QString());
    EXPECT_CLEAN_STOP(strict);
}

// ---------------------------------------------------------------------------------------------
// Multi-account (seed multi-account.txt): alice's agent linked into the company team with the
// role social-poster.

void TestForward::multiAccount()
{
    FIXTURE(f);
    const quint16 port = f->tapd.port();
    const Account alice = f->newAccount(u"alice-personal"_s);
    const Account company = f->newAccount(u"company"_s);
    RETURN_IF_FAILED();
    const HttpClient aliceApi = f->tapd.client(alice.token);
    const HttpClient companyApi = f->tapd.client(company.token);

    const QByteArray openai = "sk-alice-" + canary(*f);
    const QByteArray slack = "xoxb-company-token-" + canary(*f);
    QVERIFY(addCredential(f->secrets, aliceApi, u"openai"_s, openai));
    QVERIFY(addCredential(f->secrets, aliceApi, u"github"_s, "ghp-alice-" + canary(*f)));
    QVERIFY(autoApprove(aliceApi, u"openai"_s));
    const QByteArray agentKey = addAgent(aliceApi, u"alice-agent"_s, { u"openai"_s, u"github"_s });
    QVERIFY(addCredential(f->secrets, companyApi, u"slack"_s, slack));
    QVERIFY(addCredential(f->secrets, companyApi, u"twitter"_s, "bearer-token-" + canary(*f)));
    QVERIFY(addCredential(f->secrets, companyApi, u"payroll"_s, "payroll-" + canary(*f)));
    QVERIFY(autoApprove(companyApi, u"slack"_s));
    QVERIFY(autoApprove(companyApi, u"payroll"_s));
    QVERIFY(addRole(companyApi, u"social-poster"_s, { u"slack"_s, u"twitter"_s }));
    RETURN_IF_FAILED();
    f->keys[u"alice"_s] = agentKey;
    EXPECT_STATUS(companyApi.post("/admin/agent-links",
                                  { { u"agent_home_team_id"_s, alice.teamId },
                                    { u"agent_id"_s, u"alice-agent"_s },
                                    { u"role"_s, u"social-poster"_s } }),
                  201);
    const HttpHeaders toCompany{ { "X-TAP-Team", utf8(company.teamId) } };

    int before = m_upstream.count();
    const HttpResponse home = forward(port, { agentKey, "openai", up("/echo/alice"), "GET" });
    EXPECT_FWD(home, 200, QString());
    const HttpResponse linked = forward(
            port,
            { agentKey, "slack", up("/echo/company"), "POST", toCompany, R"({"channel":"C123"})" });
    EXPECT_FWD(linked, 200, QString());
    const QJsonArray seen = upstreamSince(before, 2);
    RETURN_IF_FAILED();
    QCOMPARE(headerValues(seen.at(0).toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + openai });
    QCOMPARE(headerValues(seen.at(1).toObject(), "Authorization"),
             QList<QByteArray>{ "Bearer " + slack });
    QCOMPARE(findLeak(received(home) + received(linked), f->secrets), QString());

    // Outside the role, and the home team's credential names mean nothing in the company.
    before = m_upstream.count();
    const HttpResponse outside =
            forward(port, { agentKey, "payroll", up("/echo/company"), "GET", toCompany });
    EXPECT_FWD(outside, 403, u"credential_not_allowed"_s);
    EXPECT_FWD(forward(port, { agentKey, "openai", up("/echo/company"), "GET", toCompany }), 403,
               u"credential_not_allowed"_s);
    QCOMPARE(m_upstream.count(), before);
    // X-TAP-Team naming the home team is the home team.
    EXPECT_FWD(forward(port,
                       { agentKey,
                         "openai",
                         up("/echo/alice"),
                         "GET",
                         { { "X-TAP-Team", utf8(alice.teamId) } } }),
               200, QString());

    // Audit: the company's trail has the linked requests, alice's does not (and vice versa).
    const QList<QJsonObject> companyTrail = auditItems(companyApi);
    const QList<QJsonObject> aliceTrail = auditItems(aliceApi);
    RETURN_IF_FAILED();
    const QByteArray linkedId = linked.header("X-TAP-Request-Id");
    const QList<QJsonObject> inCompany = withRequestId(companyTrail, linkedId);
    QCOMPARE(inCompany.size(), 1);
    const QJsonObject rec = inCompany.first();
    QCOMPARE(rec.value(u"team_id"_s).toString(), company.teamId);
    QCOMPARE(rec.value(u"agent_id"_s).toString(), u"alice-agent"_s);
    QCOMPARE(rec.value(u"agent_home_team_id"_s).toString(), alice.teamId);
    QCOMPARE(rec.value(u"credential"_s).toString(), u"slack"_s);
    QCOMPARE(rec.value(u"decision"_s).toString(), u"auto"_s);
    QCOMPARE(rec.value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(rec.value(u"status"_s).toInt(), 200);
    QVERIFY(withRequestId(aliceTrail, linkedId).isEmpty());
    const QByteArray outsideId = outside.header("X-TAP-Request-Id");
    QCOMPARE(withRequestId(companyTrail, outsideId).size(), 1);
    QCOMPARE(withRequestId(companyTrail, outsideId).first().value(u"decision"_s).toString(),
             u"rejected"_s);
    QVERIFY(withRequestId(aliceTrail, outsideId).isEmpty());
    const QByteArray homeId = home.header("X-TAP-Request-Id");
    QCOMPARE(withRequestId(aliceTrail, homeId).size(), 1);
    QVERIFY(withRequestId(companyTrail, homeId).isEmpty());
    // The agent's own team sees none of the company's records at all.
    for (const QJsonObject &o : aliceTrail)
        QCOMPARE(o.value(u"team_id"_s).toString(), alice.teamId);

    // Unlinked: the very next request is refused.
    EXPECT_STATUS(companyApi.del("/admin/agent-links/" + utf8(alice.teamId) + "/alice-agent"), 200);
    before = m_upstream.count();
    EXPECT_FWD(forward(port, { agentKey, "slack", up("/echo/company"), "GET", toCompany }), 403,
               u"team_not_linked"_s);
    QCOMPARE(m_upstream.count(), before);
    EXPECT_FWD(forward(port, { agentKey, "openai", up("/echo/alice"), "GET" }), 200, QString());
}

// Two teams with an agent "bot" and a credential "api" each: names never cross teams.
void TestForward::crossTeamIsolation()
{
    FIXTURE(f);
    const quint16 port = f->tapd.port();
    const Account a = f->newAccount(u"iso-a"_s);
    const Account b = f->newAccount(u"iso-b"_s);
    RETURN_IF_FAILED();
    const QByteArray valueA = canary(*f) + "-team-a";
    const QByteArray valueB = canary(*f) + "-team-b";
    QByteArray keyA;
    QByteArray keyB;
    for (const auto &[account, value, key] :
         { std::tuple{ &a, &valueA, &keyA }, std::tuple{ &b, &valueB, &keyB } }) {
        const HttpClient admin = f->tapd.client(account->token);
        QVERIFY(addCredential(f->secrets, admin, u"api"_s, *value));
        QVERIFY(autoApprove(admin, u"api"_s));
        *key = addAgent(admin, u"bot"_s, { u"api"_s });
        RETURN_IF_FAILED();
    }
    f->keys[u"iso-a"_s] = keyA;
    f->keys[u"iso-b"_s] = keyB;

    const int before = m_upstream.count();
    QSet<QByteArray> idsA;
    QSet<QByteArray> idsB;
    for (int round = 0; round < 3; ++round) {
        const HttpResponse ra = forward(port, { keyA, "api", up("/echo/team-a"), "GET" });
        const HttpResponse rb = forward(port, { keyB, "api", up("/echo/team-b"), "GET" });
        EXPECT_FWD(ra, 200, QString());
        EXPECT_FWD(rb, 200, QString());
        QVERIFY(ra.body.contains(marker(u"api"_s)) && rb.body.contains(marker(u"api"_s)));
        QCOMPARE(findLeak(received(ra) + received(rb), f->secrets), QString());
        idsA << ra.header("X-TAP-Request-Id");
        idsB << rb.header("X-TAP-Request-Id");
    }
    // And all at once: each answer is the echo of its own request, with its own value redacted.
    constexpr int parallel = 12;
    std::vector<HttpResponse> answers(2 * parallel);
    {
        std::vector<std::thread> threads;
        for (int i = 0; i < 2 * parallel; ++i) {
            threads.emplace_back([&, i] {
                const bool teamA = i % 2 == 0;
                answers[size_t(i)] = forward(port,
                                             { teamA ? keyA : keyB, "api",
                                               up((teamA ? "/echo/team-a?n=" : "/echo/team-b?n=")
                                                  + QByteArray::number(i)),
                                               "GET" });
            });
        }
        for (auto &t : threads)
            t.join();
    }
    for (int i = 0; i < 2 * parallel; ++i) {
        const HttpResponse &r = answers[size_t(i)];
        EXPECT_FWD(r, 200, QString());
        QCOMPARE(r.json().value(u"path"_s).toString(),
                 i % 2 == 0 ? u"/echo/team-a"_s : u"/echo/team-b"_s);
        QCOMPARE(r.json().value(u"query"_s).toString(), u"n="_s + QString::number(i));
        QVERIFY(r.body.contains(marker(u"api"_s)));
        QCOMPARE(findLeak(received(r), f->secrets), QString());
        (i % 2 == 0 ? idsA : idsB) << r.header("X-TAP-Request-Id");
    }
    const QJsonArray seen = upstreamSince(before, 6 + 2 * parallel);
    RETURN_IF_FAILED();
    for (const QJsonValue &v : seen) {
        const QJsonObject e = v.toObject();
        const QByteArray expected =
                e.value(u"path"_s).toString() == u"/echo/team-a"_s ? valueA : valueB;
        QCOMPARE(headerValues(e, "Authorization"), QList<QByteArray>{ "Bearer " + expected });
    }
    // Not linked into each other's team.
    EXPECT_FWD(forward(port,
                       { keyA,
                         "api",
                         up("/echo/team-b"),
                         "GET",
                         { { "X-TAP-Team", utf8(b.teamId) } } }),
               403, u"team_not_linked"_s);

    const auto trailIds = [&](const Account &account) {
        QSet<QByteArray> ids;
        for (const QJsonObject &o : auditItems(f->tapd.client(account.token))) {
            if (o.value(u"status"_s).toInt() == 200)
                ids << o.value(u"request_id"_s).toString().toLatin1();
        }
        return ids;
    };
    QCOMPARE(trailIds(a), idsA);
    QCOMPARE(trailIds(b), idsB);
}

// ---------------------------------------------------------------------------------------------
// The audit trail: one record per request, CONTRACT.md fields, in the database, the file and
// the export alike.

void TestForward::auditRecords()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    const quint16 port = f->tapd.port();
    QVERIFY(addCredential(f->secrets, admin, u"aud-cred"_s, canary(*f)));
    QVERIFY(addCredential(f->secrets, admin, u"aud-ungranted"_s, canary(*f)));
    QVERIFY(setPolicy(admin, u"aud-cred"_s,
                      { { u"auto_approve_methods"_s, strings({ u"GET"_s }) },
                        { u"require_approval_methods"_s, strings({ u"POST"_s }) } }));
    const QByteArray key = addAgent(admin, u"aud-agent"_s, { u"aud-cred"_s }, {}, 4);
    RETURN_IF_FAILED();
    f->keys[u"aud"_s] = key;

    struct Expect
    {
        HttpResponse response;
        QString credential;
        QString method;
        QByteArray target;
        int status;
        QString decision; // empty: parked, no decision yet
        int upstreamStatus; // 0: never forwarded
    };
    QList<Expect> expects;
    const auto run = [&](const Call &call, const QString &credential, int status,
                         const QString &decision, int upstreamStatus) {
        expects.append({ forward(port, call), credential, text(call.method), call.target, status,
                         decision, upstreamStatus });
        return verifyForward(expects.last().response, status, QString(), "audited request",
                             __FILE__, __LINE__);
    };
    QVERIFY(run({ key, "aud-cred", up("/status/201"), "GET" }, u"aud-cred"_s, 201, u"auto"_s, 201));
    QVERIFY(run({ key, "aud-cred", up("/echo"), "GET" }, u"aud-cred"_s, 200, u"auto"_s, 200));
    QVERIFY(run({ key, "aud-ungranted", up("/echo"), "GET" }, u"aud-ungranted"_s, 403,
                u"rejected"_s, 0));
    QVERIFY(run({ key, "aud-cred", up("/echo"), "GET", { { "X-TAP-Bogus", "1" } } }, u"aud-cred"_s,
                400, u"rejected"_s, 0));
    QVERIFY(run({ key, "aud-cred", up("/echo"), "POST" }, u"aud-cred"_s, 202, QString(), 0));
    QVERIFY(run({ key, "aud-cred", up("/status/500"), "GET" }, u"aud-cred"_s, 500, u"auto"_s, 500));
    QVERIFY(run({ key, "aud-cred", up("/echo"), "GET" }, u"aud-cred"_s, 429, u"rejected"_s,
                0)); // 5th admitted one
    EXPECT_STATUS(admin.post("/admin/agents/aud-agent/disable"), 200);
    QVERIFY(run({ key, "aud-cred", up("/echo"), "PUT" }, u"aud-cred"_s, 403, u"rejected"_s, 0));
    EXPECT_STATUS(admin.post("/admin/agents/aud-agent/enable"), 200);

    const QList<QJsonObject> trail = auditItems(admin, "kind=forward&agent_id=aud-agent");
    RETURN_IF_FAILED();
    QCOMPARE(trail.size(), expects.size());
    const QByteArray file = f->tapd.auditFile();
    const HttpResponse exported = admin.get("/admin/audit/export?kind=forward&agent_id=aud-agent");
    EXPECT_STATUS(exported, 200);
    for (const Expect &e : std::as_const(expects)) {
        const QByteArray id = e.response.header("X-TAP-Request-Id");
        const QList<QJsonObject> found = withRequestId(trail, id);
        QVERIFY2(found.size() == 1, id.constData());
        const QJsonObject r = found.first();
        const QString what = u"record of the %1 answer: %2"_s.arg(e.status).arg(
                text(QJsonDocument(r).toJson(QJsonDocument::Compact)));
        QVERIFY2(QDateTime::fromString(r.value(u"ts"_s).toString(), Qt::ISODateWithMs).isValid(),
                 qPrintable(what));
        const QList<std::pair<QString, QJsonValue>> fields{
            { u"kind"_s, u"forward"_s },       { u"team_id"_s, f->main.teamId },
            { u"agent_id"_s, u"aud-agent"_s }, { u"agent_home_team_id"_s, f->main.teamId },
            { u"credential"_s, e.credential }, { u"method"_s, e.method },
            { u"target"_s, text(e.target) },   { u"status"_s, e.status }
        };
        for (const auto &[field, value] : fields)
            QVERIFY2(r.value(field) == value, qPrintable(field + u" differs in the "_s + what));
        if (!e.decision.isEmpty())
            QVERIFY2(r.value(u"decision"_s).toString() == e.decision, qPrintable(what));
        else
            QVERIFY2(r.value(u"decision"_s).toString() != u"auto"_s, qPrintable(what));
        if (e.upstreamStatus > 0) {
            QVERIFY2(r.value(u"upstream_status"_s).toInt() == e.upstreamStatus, qPrintable(what));
            QVERIFY2(r.value(u"redactions"_s).isDouble(), qPrintable(what));
            QVERIFY2(r.value(u"upstream_latency_ms"_s).toInt(-1) >= 0, qPrintable(what));
        } else {
            QVERIFY2(r.value(u"upstream_status"_s).isNull(), qPrintable(what));
        }
        QVERIFY2(r.value(u"latency_ms"_s).toInt(-1) >= 0, qPrintable(what));
        if (e.status == 202)
            QCOMPARE(r.value(u"detail"_s).toObject().value(u"txn_id"_s).toString(),
                     e.response.json().value(u"txn_id"_s).toString());
        // The file and the export: exactly one line each, the same record.
        for (const auto &[name, lines] :
             { std::pair{ "audit file", file }, std::pair{ "export", exported.body } }) {
            QList<QJsonObject> inLines;
            for (const QByteArray &line : lines.split('\n')) {
                if (line.contains(id))
                    inLines << QJsonDocument::fromJson(line).object();
            }
            QVERIFY2(inLines.size() == 1, qPrintable(QString::fromLatin1(name) + u": "_s + what));
            for (const QString &field :
                 { u"team_id"_s, u"agent_id"_s, u"agent_home_team_id"_s, u"credential"_s,
                   u"method"_s, u"target"_s, u"decision"_s, u"status"_s, u"upstream_status"_s })
                QVERIFY2(inLines.first().value(field) == r.value(field),
                         qPrintable(QString::fromLatin1(name) + u" differs in "_s + field + u": "_s
                                    + what));
        }
    }
    // The echo answer held the value once: one redaction.
    QCOMPARE(withRequestId(trail, expects.at(1).response.header("X-TAP-Request-Id"))
                     .first()
                     .value(u"redactions"_s)
                     .toInt(),
             1);
    // Without a valid key there is no agent, hence no team trail to write to: nothing recorded.
    const HttpResponse anonymous = forward(port, { {}, "aud-cred", up("/echo"), "GET" });
    EXPECT_FWD(anonymous, 401, u"unauthorized"_s);
    QVERIFY(withRequestId(auditItems(admin), anonymous.header("X-TAP-Request-Id")).isEmpty());
}

// kill -9 under load: every request that got an answer has its audit record after a restart.
void TestForward::durability()
{
    FIXTURE(f);
    Tapd tapd;
    if (!tapd.start())
        return;
    const Account owner = signUp(tapd, u"durable"_s, u"durable@example.test"_s);
    RETURN_IF_FAILED();
    const HttpClient admin = tapd.client(owner.token);
    QList<Secret> secrets;
    QVERIFY(addCredential(secrets, admin, u"dur-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"dur-cred"_s));
    const QByteArray key = addAgent(admin, u"dur-agent"_s, { u"dur-cred"_s });
    RETURN_IF_FAILED();

    constexpr int threadCount = 4;
    constexpr int perThread = 75;
    const quint16 port = tapd.port();
    const QByteArray target = up("/echo");
    std::vector<std::vector<QPair<QByteArray, int>>> answered(threadCount);
    std::atomic<int> answers{ 0 };
    std::atomic<bool> killed{ false };
    std::vector<std::thread> threads;
    for (int t = 0; t < threadCount; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < perThread; ++i) {
                const HttpResponse r = forward(port, { key, "dur-cred", target, "GET" });
                if (r.status != 0) {
                    answered[size_t(t)].push_back({ r.header("X-TAP-Request-Id"), r.status });
                    ++answers;
                } else if (killed) {
                    return;
                }
            }
        });
    }
    QElapsedTimer timer;
    timer.start();
    while (answers < threadCount * perThread / 3 && timer.elapsed() < 120000)
        QThread::msleep(2);
    tapd.kill9();
    killed = true;
    for (auto &t : threads)
        t.join();
    QVERIFY2(answers >= threadCount * perThread / 3,
             qPrintable(u"only %1 answers"_s.arg(answers.load())));

    QVERIFY(tapd.restart());
    const HttpClient again = tapd.client(owner.token);
    const QList<QJsonObject> trail = auditItems(again, "kind=forward&agent_id=dur-agent");
    RETURN_IF_FAILED();
    QHash<QByteArray, int> recorded;
    for (const QJsonObject &o : trail)
        ++recorded[o.value(u"request_id"_s).toString().toLatin1()];
    const QByteArray file = tapd.auditFile();
    int total = 0;
    for (const auto &list : answered) {
        for (const auto &[id, status] : list) {
            ++total;
            QVERIFY2(!id.isEmpty(), "an answer without X-TAP-Request-Id");
            QVERIFY2(recorded.value(id) == 1,
                     qPrintable(u"request %1 (HTTP %2) has %3 records after kill -9"_s.arg(text(id))
                                        .arg(status)
                                        .arg(recorded.value(id))));
            QVERIFY2(file.contains(id),
                     qPrintable(u"request %1 is not in the audit file"_s.arg(text(id))));
        }
    }
    qInfo("%d of %d requests answered before kill -9; %lld records", total, threadCount * perThread,
          qlonglong(trail.size()));
    // The restarted tapd serves.
    EXPECT_FWD(forward(tapd.port(), { key, "dur-cred", target, "GET" }), 200, QString());
    QCOMPARE(findLeak(tapd.log() + file, secrets), QString());
    EXPECT_CLEAN_STOP(tapd);
}

// Last: no value, API key or session token in any trail or log of the shared tapd.
void TestForward::noSecretInTrails()
{
    FIXTURE(f);
    QVERIFY(!f->secrets.isEmpty());
    QList<Secret> tokens;
    for (auto it = f->keys.cbegin(); it != f->keys.cend(); ++it)
        tokens.append({ u"API key "_s + it.key(), it.value() });
    for (const Account &a : std::as_const(f->accounts))
        tokens.append({ u"session of "_s + a.email, a.token });
    QByteArray exports;
    for (const Account &a : std::as_const(f->accounts)) {
        const HttpClient admin = f->tapd.client(a.token);
        const HttpResponse all = admin.get("/admin/audit/export");
        EXPECT_STATUS(all, 200);
        exports += all.body;
        const HttpResponse page = admin.get("/admin/audit?limit=1000");
        EXPECT_STATUS(page, 200);
        exports += page.body;
    }
    const QByteArray file = f->tapd.auditFile();
    const QByteArray log = f->tapd.log();
    QVERIFY(file.count('\n') > 50);
    QVERIFY(exports.contains("\"kind\":\"forward\""));
    for (const auto &[name, content] :
         { std::pair{ "audit export", exports }, std::pair{ "audit file", file },
           std::pair{ "tapd log", log } }) {
        const QString leak = findLeak(content, f->secrets);
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
    EXPECT_CLEAN_STOP(f->tapd);
}

QTEST_GUILESS_MAIN(TestForward)
#include "tst_forward.moc"
