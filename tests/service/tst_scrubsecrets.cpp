// scrubSecrets() (service/forward/signer.h): what the response scrubber must know of a
// credential. A signing credential's sealed object is scrubbed through its parts; when they
// cover it (each at least 6 bytes and verbatim in it) the object is no pattern of its own (a
// longer automaton and stream window per request for nothing), and echoed whole, in any
// encoding, none of its parts gets through. Otherwise the whole value stays a pattern too.
#include "forward/signer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUrl>

using tap::core::SecretBytes;
using tap::forward::scrubSecrets;
using tap::sanitizer::Scrubber;
using tap::store::CredentialRow;
using namespace Qt::StringLiterals;

namespace {

CredentialRow row(const QString &kind)
{
    CredentialRow r;
    r.name = QStringLiteral("gmail");
    r.kind = kind;
    return r;
}

const QJsonObject kParts{ { QStringLiteral("client_id"), QStringLiteral("client-7f3a9c") },
                          { QStringLiteral("client_secret"), QStringLiteral("sec/ret+q~z_9") },
                          { QStringLiteral("refresh_token"), QStringLiteral("1//0gRefresh-t0k") } };

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class TestScrubSecrets : public QObject
{
    Q_OBJECT
private slots:
    void patterns_data();
    void patterns();
    void wholeObjectEchoed_data();
    void wholeObjectEchoed();
    void aPartJsonEscapedKeepsTheObject();
};

void TestScrubSecrets::patterns_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArrayList>("expected");
    const QByteArray parts = compact(kParts);
    QTest::addRow("static") << u"static"_s << parts << QByteArrayList{ parts };
    QTest::addRow("oauth2 parts cover it")
            << u"oauth2"_s << parts
            << QByteArrayList{ "client-7f3a9c", "sec/ret+q~z_9", "1//0gRefresh-t0k" };
    const QByteArray escaped = R"({"a":"x1x1x1","b":"y\"2y2y2"})";
    QTest::addRow("a part JSON-escaped in it")
            << u"oauth1"_s << escaped << QByteArrayList{ escaped, "x1x1x1", "y\"2y2y2" };
    const QByteArray shortPart = R"({"a":"x1x1x1","b":"y2"})";
    QTest::addRow("a short part") << u"oauth1"_s << shortPart
                                  << QByteArrayList{ shortPart, "x1x1x1", "y2" };
    QTest::addRow("not json") << u"oauth2"_s << QByteArray("plain-value")
                              << QByteArrayList{ "plain-value" };
    QTest::addRow("empty object") << u"aws_sigv4"_s << QByteArray("{}") << QByteArrayList{ "{}" };
    const QByteArray number = R"({"a":"x1x1x1","b":12345678})";
    QTest::addRow("a number part")
            << u"oauth1"_s << number << QByteArrayList{ number, "x1x1x1", "" };
}

void TestScrubSecrets::patterns()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, value);
    QFETCH(QByteArrayList, expected);
    QByteArrayList got;
    for (const auto &s : scrubSecrets(row(kind), SecretBytes(value))) {
        QCOMPARE(s.name, u"gmail"_s);
        got << s.value.view().toByteArray();
    }
    QCOMPARE(got, expected);
}

void TestScrubSecrets::wholeObjectEchoed_data()
{
    QTest::addColumn<QByteArray>("echo");
    const QByteArray whole = compact(kParts);
    QTest::addRow("raw") << whole;
    QTest::addRow("indented") << QJsonDocument(kParts).toJson(QJsonDocument::Indented);
    QTest::addRow("inside a json string")
            << compact(QJsonObject{ { QStringLiteral("echo"), QString::fromUtf8(whole) } });
    QTest::addRow("percent") << QUrl::toPercentEncoding(QString::fromUtf8(whole));
    QTest::addRow("base64") << whole.toBase64();
    QTest::addRow("base64url") << whole.toBase64(QByteArray::Base64UrlEncoding);
    QTest::addRow("hex") << whole.toHex();
}

void TestScrubSecrets::wholeObjectEchoed()
{
    QFETCH(QByteArray, echo);
    Scrubber scrubber(scrubSecrets(row(u"oauth2"_s), SecretBytes(compact(kParts))));
    const QByteArray out = scrubber.scrubAll(QByteArray("before " + echo + " after"));
    QVERIFY2(scrubber.redactions() >= 3, out.constData());
    for (auto it = kParts.begin(); it != kParts.end(); ++it) {
        const QByteArray part = it.value().toString().toUtf8();
        for (const QByteArray &form :
             { part, QUrl::toPercentEncoding(QString::fromUtf8(part)), part.toBase64(),
               part.toHex(), part.toBase64(QByteArray::Base64UrlEncoding) })
            QVERIFY2(!out.contains(form), out.constData());
    }
}

// A part that starts with '"' is stored escaped (\\"x1x1x1) yet its bytes still stand in the
// object: only its exact "key":"value" slot counts, so the object stays a pattern and a hex echo
// does not show the escaping backslash (5c) before the redaction (found in review).
void TestScrubSecrets::aPartJsonEscapedKeepsTheObject()
{
    const QJsonObject parts{ { QStringLiteral("consumer_key"), QStringLiteral("ckey-123456") },
                             { QStringLiteral("consumer_secret"), QStringLiteral("\"x1x1x1") } };
    const QByteArray whole = compact(parts);
    const auto secrets = scrubSecrets(row(u"oauth1"_s), SecretBytes(whole));
    QCOMPARE(secrets.size(), 3);
    QCOMPARE(secrets.first().value.view().toByteArray(), whole);
    Scrubber scrubber(secrets);
    const QByteArray out = scrubber.scrubAll(whole.toHex());
    QVERIFY2(!out.contains("5c"), out.constData());
    QVERIFY2(!out.contains("7831"), out.constData()); // "x1"
}

QTEST_GUILESS_MAIN(TestScrubSecrets)
#include "tst_scrubsecrets.moc"
