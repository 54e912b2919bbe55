// The shared fixture of the /forward end-to-end tests (tests/service/tst_forward*.cpp): the
// forms a secret may leak in, one tapd per backend shared by the test functions of a file, the
// fake upstream, and an incremental reader for long or progressive answers. Builds on
// tapdharness.h.
#pragma once

#include "support/httpclient.h"
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

#include <cctype>
#include <map>
#include <memory>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

// ---------------------------------------------------------------------------------------------
// Secret forms: what a credential value looks like in the encodings an upstream may echo it in
// (seed "Response Sanitization": exact, base64, URL-encoded; plus the base64url, form and JSON
// spellings, the secret inside a longer base64 run, as in an echoed Basic credential, partly
// percent-encoded, every character \u-escaped, hex, and MIME base64 wrapped at 76 or 64
// columns). findLeak() also looks through decoded views of the text, so any subset of
// percent-encoded bytes or \u-escaped characters and any line wrapping is found.

inline QByteArray lowerHex(QByteArray pct)
{
    for (qsizetype i = 0; i + 2 < pct.size(); ++i) {
        if (pct.at(i) == '%') {
            pct[i + 1] = char(QChar::toLower(uint(uchar(pct.at(i + 1)))));
            pct[i + 2] = char(QChar::toLower(uint(uchar(pct.at(i + 2)))));
        }
    }
    return pct;
}

inline QByteArray jsonEscaped(const QByteArray &value)
{
    const QByteArray doc =
            QJsonDocument(QJsonArray{ QString::fromUtf8(value) }).toJson(QJsonDocument::Compact);
    return doc.mid(2, doc.size() - 4); // ["..."]
}

// JSON string escaping with every non-ASCII character as \uXXXX (UTF-16 code units), as
// Python's json module writes it by default.
inline QByteArray jsonAsciiEscaped(const QByteArray &value, bool upperHex)
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
inline QByteArray base64Core(const QByteArray &value, int offset, QByteArray::Base64Options options)
{
    const QByteArray encoded = QByteArray(QByteArray(offset, '\0') + value).toBase64(options);
    const qsizetype first = (8 * offset + 5) / 6;
    const qsizetype last = 8 * (offset + value.size()) / 6;
    return encoded.mid(first, last - first);
}

// Every byte whose index `pick` selects as %XX, the hex digits in upper case where `upper` says.
inline QByteArray percentSome(const QByteArray &value, bool (*pick)(qsizetype),
                              bool (*upper)(qsizetype))
{
    QByteArray out;
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QByteArray hex = QByteArray(1, value.at(i)).toHex();
        out += pick(i) ? '%' + (upper(i) ? hex.toUpper() : hex) : QByteArray(1, value.at(i));
    }
    return out;
}

// Every UTF-16 unit as \uXXXX, the hex digits in upper case where `upper` says.
inline QByteArray jsonAllEscaped(const QByteArray &value, bool (*upper)(qsizetype))
{
    QByteArray out;
    const QString units = QString::fromUtf8(value);
    for (qsizetype i = 0; i < units.size(); ++i) {
        const QByteArray hex = QByteArray::number(units.at(i).unicode(), 16).rightJustified(4, '0');
        out += "\\u" + (upper(i) ? hex.toUpper() : hex);
    }
    return out;
}

// MIME base64 (RFC 2045 §6.8): lines of `columns` characters separated by `eol`.
inline QByteArray mimeWrapped(const QByteArray &data, int columns, const QByteArray &eol)
{
    const QByteArray base64 = data.toBase64();
    QList<QByteArray> lines;
    for (qsizetype at = 0; at < base64.size(); at += columns)
        lines << base64.mid(at, columns);
    return lines.join(eol);
}

// The base64 and hex forms, which may also be wrapped over several lines.
inline QList<QByteArray> encodedRunForms(const QByteArray &secret)
{
    using O = QByteArray::Base64Option;
    QList<QByteArray> forms;
    for (const auto alphabet : { O::Base64Encoding, O::Base64UrlEncoding }) {
        forms << secret.toBase64(alphabet) << secret.toBase64(alphabet | O::OmitTrailingEquals);
        for (int offset = 0; offset < 3; ++offset)
            forms << base64Core(secret, offset, alphabet);
    }
    forms << secret.toHex() << secret.toHex().toUpper();
    forms.removeAll(QByteArray());
    return forms;
}

inline QList<QByteArray> leakForms(const QByteArray &secret)
{
    QList<QByteArray> forms{ secret };
    forms << encodedRunForms(secret);
    const QByteArray pct = secret.toPercentEncoding();
    QByteArray form = secret.toPercentEncoding(" ");
    form.replace(' ', '+');
    forms << pct << lowerHex(pct) << form << lowerHex(form) << jsonEscaped(secret)
          << jsonAsciiEscaped(secret, false) << jsonAsciiEscaped(secret, true);
    // Partly percent-encoded, any hex case; every character \u-escaped; hex; MIME base64.
    const auto even = [](qsizetype i) { return i % 2 == 0; };
    const auto odd = [](qsizetype i) { return i % 2 == 1; };
    const auto always = [](qsizetype) { return true; };
    const auto never = [](qsizetype) { return false; };
    forms << percentSome(secret, even, never) << percentSome(secret, odd, always)
          << percentSome(secret, always, even) << jsonAllEscaped(secret, never)
          << jsonAllEscaped(secret, always) << jsonAllEscaped(secret, odd);
    for (const int columns : { 76, 64 }) {
        for (const QByteArray &eol : { QByteArray("\n"), QByteArray("\r\n") })
            forms << mimeWrapped(QByteArray(columns * 3 / 4 - 2, 'P') + secret, columns, eol);
    }
    forms.removeAll(QByteArray());
    return forms;
}

struct Secret
{
    QString name;
    QByteArray value;
};

// The views findLeak() also searches (independent of the scrubber's own decoders): %XX decoded
// (either hex case; '+' read as space on both sides), JSON string escapes decoded (\uXXXX with
// surrogate pairs), CR and LF left out (wrapped base64 or hex).
inline QByteArray percentDecodedView(const QByteArray &text)
{
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == '%' && i + 2 < text.size() && isxdigit(uchar(text.at(i + 1)))
            && isxdigit(uchar(text.at(i + 2)))) {
            out += QByteArray::fromHex(text.mid(i + 1, 2));
            i += 2;
        } else {
            out += text.at(i);
        }
    }
    return out.replace('+', ' ');
}

inline QByteArray jsonDecodedView(const QByteArray &text)
{
    const auto unitAt = [&](qsizetype i) { // the unit of a "\uXXXX" at i, else -1
        bool ok = i + 6 <= text.size() && text.at(i) == '\\' && text.at(i + 1) == 'u';
        for (qsizetype k = i + 2; ok && k < i + 6; ++k)
            ok = isxdigit(uchar(text.at(k)));
        return ok ? int(QByteArrayView(text).sliced(i + 2, 4).toUInt(nullptr, 16)) : -1;
    };
    static const QByteArray names = "\"\\/bfnrt";
    static const QByteArray values = "\"\\/\b\f\n\r\t";
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const int unit = unitAt(i);
        const int low = unit >= 0xd800 && unit < 0xdc00 ? unitAt(i + 6) : -1;
        const qsizetype simple =
                text.at(i) == '\\' && i + 1 < text.size() ? names.indexOf(text.at(i + 1)) : -1;
        if (low >= 0xdc00 && low < 0xe000) {
            const QChar pair[] = { QChar(char16_t(unit)), QChar(char16_t(low)) };
            out += QString(pair, 2).toUtf8();
            i += 11;
        } else if (unit >= 0) {
            out += QString(QChar(char16_t(unit))).toUtf8();
            i += 5;
        } else if (simple >= 0) {
            out += values.at(simple);
            ++i;
        } else {
            out += text.at(i);
        }
    }
    return out;
}

// "" when none of the secrets occurs in `haystack` in any form, else which one and how.
inline QString findLeak(const QByteArray &haystack, const QList<Secret> &secrets)
{
    const QByteArray joined = QByteArray(haystack).replace('\r', "").replace('\n', "");
    const QByteArray percent = percentDecodedView(haystack);
    const QByteArray json = jsonDecodedView(haystack);
    for (const Secret &s : secrets) {
        const QList<QByteArray> forms = leakForms(s.value);
        for (qsizetype i = 0; i < forms.size(); ++i) {
            if (haystack.contains(forms.at(i)))
                return u"the value of %1 (form %2: \"%3\")"_s.arg(s.name).arg(i).arg(
                        text(forms.at(i)));
        }
        for (const QByteArray &form : encodedRunForms(s.value)) {
            if (joined.contains(form))
                return u"the value of %1 (line-wrapped \"%2\")"_s.arg(s.name, text(form));
        }
        if (percent.contains(QByteArray(s.value).replace('+', ' ')))
            return u"the value of %1, percent-encoded"_s.arg(s.name);
        if (json.contains(s.value))
            return u"the value of %1, JSON-escaped"_s.arg(s.name);
    }
    return {};
}

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
// per backend and the fake upstream.
class ForwardSuite
{
protected:
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
