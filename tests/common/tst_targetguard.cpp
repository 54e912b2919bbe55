#include "proxy/targetguard.h"
#include "proxy/targeturl.h"

#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using tap::core::ErrorCode;
using tap::proxy::AddressClass;
using tap::proxy::classify;
using tap::proxy::effectiveTarget;
using tap::proxy::isAddressAllowed;
using tap::proxy::isHostAllowed;

class TestTargetGuard : public QObject
{
    Q_OBJECT

private slots:
    void classify_data();
    void classify();
    void notAnAddress();
    void hostAllowed_data();
    void hostAllowed();
    void effectiveTarget_data();
    void effectiveTarget();
    void relativeNeverEscapesBase_data();
    void relativeNeverEscapesBase();
    void normalizeTarget_data();
    void normalizeTarget();
    void normalizedIsStable_data();
    void normalizedIsStable();
    void hostAllowedBeyondAscii_data();
    void hostAllowedBeyondAscii();
    void repeatedTargetsAreExact();
};

void TestTargetGuard::classify_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<AddressClass>("expected");

    const auto row = [](const char *address, AddressClass expected) {
        QTest::addRow("%s", address) << QString::fromLatin1(address) << expected;
    };
    const auto Public = AddressClass::Public;
    const auto Private = AddressClass::Private;
    const auto Metadata = AddressClass::Metadata;
    const auto Forbidden = AddressClass::Forbidden;

    // IPv4 public, including the neighbours of every special range.
    row("8.8.8.8", Public);
    row("1.1.1.1", Public);
    row("9.255.255.255", Public);
    row("11.0.0.0", Public);
    row("126.255.255.255", Public);
    row("128.0.0.0", Public);
    row("172.15.255.255", Public);
    row("172.32.0.0", Public);
    row("192.167.255.255", Public);
    row("192.169.0.0", Public);
    row("100.63.255.255", Public);
    row("100.128.0.0", Public);
    row("169.253.255.255", Public);
    row("169.255.0.0", Public);
    row("198.17.255.255", Public);
    row("198.20.0.0", Public);
    row("223.255.255.255", Public);
    row("1.0.0.0", Public);
    row("192.0.1.0", Public);
    row("168.63.129.15", Public);

    // IPv4 private (RFC 1918, loopback, CGNAT, link-local, documentation, benchmarking).
    row("127.0.0.1", Private);
    row("127.255.255.254", Private);
    row("10.0.0.0", Private);
    row("10.255.255.255", Private);
    row("172.16.0.0", Private);
    row("172.31.255.255", Private);
    row("192.168.0.1", Private);
    row("192.168.255.255", Private);
    row("100.64.0.0", Private);
    row("100.127.255.255", Private);
    row("169.254.0.1", Private);
    row("169.254.169.253", Private); // AWS DNS resolver, not metadata
    row("169.254.169.255", Private);
    row("192.0.0.1", Private);
    row("192.0.2.1", Private);
    row("198.51.100.7", Private);
    row("203.0.113.200", Private);
    row("198.18.0.1", Private);
    row("198.19.255.255", Private);
    row("192.88.99.1", Private);

    // IPv4 metadata.
    row("169.254.169.254", Metadata);
    row("169.254.170.2", Metadata);
    row("100.100.100.200", Metadata);
    row("192.0.0.192", Metadata);
    row("168.63.129.16", Metadata);

    // IPv4 forbidden.
    row("0.0.0.0", Forbidden);
    row("0.1.2.3", Forbidden);
    row("0.255.255.255", Forbidden);
    row("224.0.0.1", Forbidden);
    row("239.255.255.250", Forbidden);
    row("240.0.0.1", Forbidden);
    row("255.255.255.255", Forbidden);

    // IPv6.
    row("2606:4700:4700::1111", Public);
    row("2001:4860:4860::8888", Public);
    row("2a00:1450:4001:82b::200e", Public);
    row("2001:db7:ffff:ffff::1", Public);
    row("2001:1::1", Public);
    row("3ffe:ffff::1", Public);
    row("3fff:1000::1", Public);
    row("fbff:ffff::1", Public);
    row("fe7f::1", Public);
    row("::1", Private);
    row("fe80::1", Private);
    row("fe80::1%1", Private);
    row("febf:ffff::1", Private);
    row("fec0::1", Private);
    row("fc00::1", Private);
    row("fd12:3456::1", Private);
    row("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Private);
    row("2001:db8::1", Private);
    row("3fff::1", Private);
    row("3fff:fff::1", Private);
    row("2001:0:4136:e378:8000:63bf:3fff:fdd2", Private); // Teredo
    row("fd00:ec2::254", Metadata);
    row("fd00:ec2::253", Private);
    row("::", Forbidden);
    row("ff02::1", Forbidden);
    row("ff05::1:3", Forbidden);
    row("100::1", Forbidden);
    row("100::ffff:1", Forbidden);
    row("100:0:0:1::1", Public);

    // IPv4 inside IPv6: mapped, translated, compatible, NAT64, 6to4.
    row("::ffff:8.8.8.8", Public);
    row("::ffff:127.0.0.1", Private);
    row("::ffff:7f00:1", Private);
    row("::ffff:10.1.2.3", Private);
    row("::ffff:169.254.169.254", Metadata);
    row("::ffff:a9fe:a9fe", Metadata);
    row("::ffff:100.100.100.200", Metadata);
    row("::ffff:0.0.0.0", Forbidden);
    row("::ffff:255.255.255.255", Forbidden);
    row("::ffff:0:169.254.169.254", Metadata);
    row("::ffff:0:10.0.0.1", Private);
    row("::127.0.0.1", Private);
    row("::169.254.169.254", Metadata);
    row("::8.8.8.8", Public);
    row("64:ff9b::8.8.8.8", Public);
    row("64:ff9b::127.0.0.1", Private);
    row("64:ff9b::a9fe:a9fe", Metadata);
    row("64:ff9b::192.0.0.192", Metadata);
    row("64:ff9b::224.0.0.1", Forbidden);
    row("64:ff9b:1::8.8.8.8", Private);
    row("64:ff9b:1::169.254.169.254", Metadata);
    row("2002:a9fe:a9fe::1", Metadata);
    row("2002:7f00:1::", Private);
    row("2002:808:808::1", Public);
}

void TestTargetGuard::classify()
{
    QFETCH(QString, address);
    QFETCH(AddressClass, expected);

    const QHostAddress parsed(address);
    QVERIFY2(!parsed.isNull(), qPrintable(address));
    QCOMPARE(tap::proxy::classify(parsed), expected);
    QCOMPARE(isAddressAllowed(parsed, false), expected == AddressClass::Public);
    QCOMPARE(isAddressAllowed(parsed, true),
             expected == AddressClass::Public || expected == AddressClass::Private);
}

void TestTargetGuard::notAnAddress()
{
    QCOMPARE(tap::proxy::classify(QHostAddress()), AddressClass::Forbidden);
    QCOMPARE(tap::proxy::classify(QHostAddress(QHostAddress::Any)), AddressClass::Forbidden);
    QCOMPARE(tap::proxy::classify(QHostAddress(QHostAddress::AnyIPv6)), AddressClass::Forbidden);
    QCOMPARE(tap::proxy::classify(QHostAddress(QHostAddress::LocalHost)), AddressClass::Private);
    QCOMPARE(tap::proxy::classify(QHostAddress(quint32(0xa9fea9fe))), AddressClass::Metadata);
    QVERIFY(!isAddressAllowed(QHostAddress(QStringLiteral("not an address")), true));
}

void TestTargetGuard::hostAllowed_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QStringList>("allowed");
    QTest::addColumn<bool>("expected");

    const QStringList list{ QStringLiteral("api.example.com"), QStringLiteral("*.slack.com"),
                            QStringLiteral("Upper.Example.ORG."), QStringLiteral("[2001:db8::1]"),
                            QStringLiteral("10.0.0.5") };
    const auto row = [&](const char *host, bool expected) {
        QTest::addRow("%s", host) << QString::fromLatin1(host) << list << expected;
    };
    row("api.example.com", true);
    row("API.Example.Com", true);
    row("api.example.com.", true);
    row("upper.example.org", true);
    row("example.com", false);
    row("sub.api.example.com", false);
    row("api.example.com.evil.net", false);
    row("evilapi.example.com", false);
    row("files.slack.com", true);
    row("a.b.slack.com", true);
    row("FILES.SLACK.COM.", true);
    row("slack.com", false);
    row(".slack.com", false);
    row("notslack.com", false);
    row("slack.com.evil.net", false);
    row("*.slack.com", false);
    row("2001:db8::1", true);
    row("2001:DB8:0::1", true);
    row("2001:db8::2", false);
    row("10.0.0.5", true);
    row("10.0.0.50", false);
    row("", false);
    QTest::addRow("empty list") << QStringLiteral("api.example.com") << QStringList() << false;
    QTest::addRow("empty entry") << QString() << QStringList{ QString() } << false;
    QTest::addRow("bare star") << QStringLiteral("anything.com")
                               << QStringList{ QStringLiteral("*") } << false;
}

void TestTargetGuard::hostAllowed()
{
    QFETCH(QString, host);
    QFETCH(QStringList, allowed);
    QFETCH(bool, expected);
    QCOMPARE(isHostAllowed(host, allowed), expected);
}

void TestTargetGuard::effectiveTarget_data()
{
    QTest::addColumn<QString>("connector");
    QTest::addColumn<QString>("apiBase");
    QTest::addColumn<bool>("relative");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("expected"); // FullyEncoded URL; empty when refused
    QTest::addColumn<ErrorCode>("code");

    const auto ok = [](const char *name, const char *connector, const char *base, bool relative,
                       const char *target, const char *expected) {
        QTest::addRow("%s", name) << QString::fromLatin1(connector) << QString::fromLatin1(base)
                                  << relative << QString::fromUtf8(target)
                                  << QString::fromLatin1(expected) << ErrorCode::InvalidRequest;
    };
    const auto refused = [](const char *name, const char *connector, const char *base,
                            bool relative, const char *target, ErrorCode code) {
        QTest::addRow("%s", name) << QString::fromLatin1(connector) << QString::fromLatin1(base)
                                  << relative << QString::fromUtf8(target) << QString() << code;
    };
    const auto Invalid = ErrorCode::InvalidRequest;
    const auto Internal = ErrorCode::Internal;
    const char *tg = "https://api.telegram.org/bot123";

    // Direct: the target as sent, checked.
    ok("direct https", "direct", "", false, "https://slack.com/api/conversations.list",
       "https://slack.com/api/conversations.list");
    ok("direct with query and port", "direct", "", false, "http://localhost:8080/a?b=c&d=%20",
       "http://localhost:8080/a?b=c&d=%20");
    refused("empty connector", "", "", false, "https://x.example/", Internal);
    refused("upper-case connector", "DIRECT", "", false, "https://x.example/", Internal);
    ok("direct scheme case", "direct", "", false, "HTTPS://X.Example/Path",
       "https://x.example/Path");
    ok("direct fragment dropped", "direct", "", false, "https://x.example/p#frag",
       "https://x.example/p");
    ok("direct ipv6 literal", "direct", "", false, "http://[2001:db8::1]:81/",
       "http://[2001:db8::1]:81/");
    ok("direct ignores api_base", "direct", "https://elsewhere.example", false,
       "https://x.example/a", "https://x.example/a");
    refused("direct relative", "direct", "", false, "/api/x", Invalid);
    refused("direct empty", "direct", "", false, "", Invalid);
    refused("direct ftp", "direct", "", false, "ftp://x.example/", Invalid);
    refused("direct file", "direct", "", false, "file:///etc/passwd", Invalid);
    refused("direct no host", "direct", "", false, "https:///path", Invalid);
    refused("direct scheme only", "direct", "", false, "https:", Invalid);
    refused("direct user info", "direct", "", false, "https://user:pw@x.example/", Invalid);
    refused("direct user only", "direct", "", false, "https://user@x.example/", Invalid);
    refused("direct backslash", "direct", "", false, "https://evil.example\\@good.example/",
            Invalid);
    refused("direct space", "direct", "", false, "https://x.example/a b", Invalid);
    refused("direct newline", "direct", "", false, "https://x.example/\r\nHost: y", Invalid);
    refused("direct port zero", "direct", "", false, "https://x.example:0/", Invalid);
    refused("direct bad port", "direct", "", false, "https://x.example:99999/", Invalid);
    refused("direct scheme-relative", "direct", "", false, "//x.example/", Invalid);

    // Sidecar without relative_target: the sidecar is the destination.
    ok("sidecar", "sidecar", "http://oauth-signer:8080", false, "https://api.twitter.com/2/tweets",
       "http://oauth-signer:8080");
    ok("sidecar base with path", "sidecar", "http://oauth-signer:8080/sign/", false,
       "https://api.twitter.com/2/tweets", "http://oauth-signer:8080/sign/");
    refused("sidecar bad target", "sidecar", "http://oauth-signer:8080", false, "/2/tweets",
            Invalid);
    refused("sidecar no api_base", "sidecar", "", false, "https://api.twitter.com/", Internal);
    refused("sidecar bad api_base", "sidecar", "oauth-signer:8080", false,
            "https://api.twitter.com/", Internal);

    // Sidecar with relative_target: a path under api_base.
    ok("relative", "sidecar", tg, true, "/sendMessage",
       "https://api.telegram.org/bot123/sendMessage");
    ok("relative base slash", "sidecar", "https://api.telegram.org/bot123/", true, "/sendMessage",
       "https://api.telegram.org/bot123/sendMessage");
    ok("relative base root", "sidecar", "http://signer:8080", true, "/a/b",
       "http://signer:8080/a/b");
    ok("relative base root slash", "sidecar", "http://signer:8080/", true, "/a/b",
       "http://signer:8080/a/b");
    ok("relative query kept", "sidecar", tg, true, "/getUpdates?offset=5&limit=1",
       "https://api.telegram.org/bot123/getUpdates?offset=5&limit=1");
    ok("relative encoded kept", "sidecar", tg, true, "/a%2Fb?q=%26",
       "https://api.telegram.org/bot123/a%2Fb?q=%26");
    ok("relative dots in names", "sidecar", tg, true, "/file..name/.hidden/a.b",
       "https://api.telegram.org/bot123/file..name/.hidden/a.b");
    ok("relative dots in query", "sidecar", tg, true, "/x?path=../../etc",
       "https://api.telegram.org/bot123/x?path=../../etc");
    ok("relative root only", "sidecar", tg, true, "/", "https://api.telegram.org/bot123/");
    refused("relative no leading slash", "sidecar", tg, true, "sendMessage", Invalid);
    refused("relative absolute url", "sidecar", tg, true, "https://evil.example/x", Invalid);
    refused("relative scheme", "sidecar", tg, true, "http:/x", Invalid);
    refused("relative authority", "sidecar", tg, true, "//evil.example/x", Invalid);
    refused("relative dotdot", "sidecar", tg, true, "/../bot999/sendMessage", Invalid);
    refused("relative dotdot middle", "sidecar", tg, true, "/a/../../x", Invalid);
    refused("relative dotdot end", "sidecar", tg, true, "/a/..", Invalid);
    refused("relative encoded dotdot", "sidecar", tg, true, "/%2e%2e/x", Invalid);
    refused("relative encoded dotdot upper", "sidecar", tg, true, "/%2E%2E/x", Invalid);
    refused("relative half encoded", "sidecar", tg, true, "/.%2e/x", Invalid);
    refused("relative double encoded", "sidecar", tg, true, "/%252e%252e/x", Invalid);
    refused("relative encoded slash dotdot", "sidecar", tg, true, "/a%2F..%2Fb", Invalid);
    refused("relative backslash", "sidecar", tg, true, "/a\\..\\x", Invalid);
    refused("relative encoded backslash", "sidecar", tg, true, "/a%5C..%5Cx", Invalid);
    refused("relative fragment", "sidecar", tg, true, "/a#b", Invalid);
    refused("relative space", "sidecar", tg, true, "/a b", Invalid);
    refused("relative control", "sidecar", tg, true, "/a\tb", Invalid);
    refused("relative empty", "sidecar", tg, true, "", Invalid);
    refused("relative deep encoding", "sidecar", tg, true, "/%2525252525252e", Invalid);
    // Tomcat and Spring read "..;x" as ".."; a '.' segment is refused like '..'.
    refused("relative dotdot semicolon", "sidecar", tg, true, "/..;/bot999/sendMessage", Invalid);
    refused("relative dotdot params", "sidecar", tg, true, "/a/..;jsessionid=1/x", Invalid);
    refused("relative encoded dotdot semicolon", "sidecar", tg, true, "/%2e%2e;/x", Invalid);
    refused("relative encoded semicolon", "sidecar", tg, true, "/..%3B/x", Invalid);
    refused("relative dot", "sidecar", tg, true, "/./x", Invalid);
    refused("relative encoded dot", "sidecar", tg, true, "/%2E/x", Invalid);
    refused("relative malformed percent", "sidecar", tg, true, "/a%2", Invalid);
    ok("relative unreserved decoded", "sidecar", tg, true, "/%73endMessage",
       "https://api.telegram.org/bot123/sendMessage");
    ok("relative semicolon in a name", "sidecar", tg, true, "/a;b",
       "https://api.telegram.org/bot123/a;b");

    // Configuration that cannot be used.
    refused("unknown connector", "carrier-pigeon", tg, false, "https://x.example/", Internal);
    refused("relative without sidecar", "direct", tg, true, "/x", Internal);
}

void TestTargetGuard::effectiveTarget()
{
    QFETCH(QString, connector);
    QFETCH(QString, apiBase);
    QFETCH(bool, relative);
    QFETCH(QString, target);
    QFETCH(QString, expected);
    QFETCH(ErrorCode, code);

    const auto result = tap::proxy::effectiveTarget(connector, apiBase, relative, target);
    if (expected.isEmpty()) {
        QVERIFY2(!result.ok(), qPrintable(result.ok() ? result->toString() : QString()));
        QCOMPARE(result.error().code(), code);
        QVERIFY(!result.error().message().isEmpty());
        return;
    }
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message()));
    QCOMPARE(result->toString(QUrl::FullyEncoded), expected);
}

void TestTargetGuard::relativeNeverEscapesBase_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 500; ++seed)
        QTest::addRow("%u", seed) << seed;
}

// Random paths built from traversal fragments: whatever is accepted stays under api_base's
// path, even after decoding as often as a server might.
void TestTargetGuard::relativeNeverEscapesBase()
{
    QFETCH(quint32, seed);

    static const QStringList pieces{
        QStringLiteral("/"),   QStringLiteral(".."),  QStringLiteral("."),   QStringLiteral("%2e"),
        QStringLiteral("%2E"), QStringLiteral("%2f"), QStringLiteral("%25"), QStringLiteral("%5c"),
        QStringLiteral("a"),   QStringLiteral("?"),   QStringLiteral("//"),  QStringLiteral(";")
    };
    QRandomGenerator rng(seed);
    QString target = QStringLiteral("/");
    for (int i = 0, n = rng.bounded(1, 12); i < n; ++i)
        target += pieces.at(rng.bounded(int(pieces.size())));
    const auto result = tap::proxy::effectiveTarget(
            u"sidecar", QStringLiteral("https://api.example/base"), true, target);
    if (!result.ok())
        return;
    QCOMPARE(result->host(), QStringLiteral("api.example"));
    QByteArray path = result->path(QUrl::FullyEncoded).toUtf8();
    for (int round = 0; round < 5; ++round)
        path = QByteArray::fromPercentEncoding(path);
    QVERIFY2(path.startsWith("/base/"), path.constData());
    QVERIFY2(!path.split('/').contains(".."), path.constData());
    QVERIFY2(!path.contains('\\'), path.constData());
}

void TestTargetGuard::normalizeTarget_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("wire"); // empty when refused
    QTest::addColumn<QString>("policyView");

    const auto ok = [](const char *target, const char *wire, const char *view) {
        QTest::addRow("%s", target) << QString::fromUtf8(target) << QString::fromLatin1(wire)
                                    << QString::fromLatin1(view);
    };
    const auto refused = [](const char *target) {
        QTest::addRow("refused %s", target) << QString::fromUtf8(target) << QString() << QString();
    };
    const char *list = "https://x.example/api/conversations.list";
    // What the review used to skip a human: the policy now sees what is sent.
    ok("https://x.example/api/echo#/conversations.list", "https://x.example/api/echo",
       "https://x.example/api/echo");
    ok("https://x.example/api/conversations.list/../echo", "https://x.example/api/echo",
       "https://x.example/api/echo");
    ok("https://x.example/api/conversations.list/%2e%2e/echo", "https://x.example/api/echo",
       "https://x.example/api/echo");
    ok("https://x.example/api/conversations.list/%2E%2E/echo", "https://x.example/api/echo",
       "https://x.example/api/echo");
    ok("https://x.example/api/conversations.list/.%2E/echo", "https://x.example/api/echo",
       "https://x.example/api/echo");
    ok("https://x.example/api/echo?/conversations.list",
       "https://x.example/api/echo?/conversations.list", "https://x.example/api/echo");
    ok("https://x.example/api/echo;/conversations.list",
       "https://x.example/api/echo;/conversations.list", "");
    ok("https://x.example/api/echo%3b/conversations.list",
       "https://x.example/api/echo%3B/conversations.list", "");
    refused("https://x.example/api/conversations.list/..;/echo");
    refused("https://x.example/api/conversations.list/..;x=1/echo");
    refused("https://x.example/api/conversations.list%2F..%2Fecho");
    refused("https://x.example/api/conversations.list%2f..%2fecho");
    refused("https://x.example/api/conversations.list/%252e%252e/echo");
    refused("https://x.example/api/conversations.list%5C..%5Cecho");
    refused("https://x.example/api/conversations.list/%25252525252e/echo");
    // Plain normalisation.
    ok(list, list, list);
    ok("https://x.example/api/%63onversations.list", list, list);
    ok("HTTPS://X.EXAMPLE/api/conversations.list", list, list);
    ok("https://x.example:443/api/conversations.list", list, list);
    ok("https://x.example/api/./conversations.list", list, list);
    ok("https://x.example/api/a/b/../../conversations.list", list, list);
    ok("https://x.example/../../api/conversations.list", list, list);
    ok("http://x.example:80/", "http://x.example/", "http://x.example/");
    ok("http://x.example:8080", "http://x.example:8080/", "http://x.example:8080/");
    ok("http://x.example?q=1", "http://x.example/?q=1", "http://x.example/");
    ok("http://x.example/a?", "http://x.example/a", "http://x.example/a");
    ok("http://x.example/a%2fb", "http://x.example/a%2Fb", "http://x.example/a%2Fb");
    ok("http://x.example/a%7e%41", "http://x.example/a~A", "http://x.example/a~A");
    ok("http://x.example/%e2%82%ac", "http://x.example/%E2%82%AC", "http://x.example/%E2%82%AC");
    ok("http://x.example/\u20ac", "http://x.example/%E2%82%AC", "http://x.example/%E2%82%AC");
    ok("http://x.example/a\"b<c>", "http://x.example/a%22b%3Cc%3E",
       "http://x.example/a%22b%3Cc%3E");
    ok("http://x.example/a?b=c&d=%20&e=%2e", "http://x.example/a?b=c&d=%20&e=.",
       "http://x.example/a");
    ok("http://x.example/a?x=../../etc", "http://x.example/a?x=../../etc", "http://x.example/a");
    ok("http://[2001:db8::1]:81/", "http://[2001:db8::1]:81/", "http://[2001:db8::1]:81/");
    ok("http://127.0.0.1:8080/echo", "http://127.0.0.1:8080/echo", "http://127.0.0.1:8080/echo");
    refused("http://x.example/a%");
    refused("http://x.example/a%zz");
    refused("http://x.example/a%4");
    refused("http://user@x.example/");
    refused("http://x.example:0/");
    refused("http://x.example:65536/");
    refused("http://x.example:+80/");
    refused("http://x.example:8a/");
    refused("http://x%2eexample/");
    refused("http://[fe80::1%25eth0]/");
    refused("ftp://x.example/");
    refused("//x.example/");
    refused("x.example/a");
    refused("http:x.example");
    refused("http:///a");
    refused("http://x.example/a b");
    refused("http://x.example/a\\b");
}

void TestTargetGuard::normalizeTarget()
{
    QFETCH(QString, target);
    QFETCH(QString, wire);
    QFETCH(QString, policyView);

    const auto result = tap::proxy::normalizeTarget(target);
    if (wire.isEmpty()) {
        QVERIFY2(!result.ok(), result.ok() ? result->wire.constData() : "");
        QCOMPARE(result.error().code(), ErrorCode::InvalidRequest);
        return;
    }
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message()));
    QCOMPARE(QString::fromLatin1(result->wire), wire);
    QCOMPARE(result->url.toEncoded(), result->wire); // what is sent is what was decided on
    QCOMPARE(result->policyView, policyView);
}

void TestTargetGuard::normalizedIsStable_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 2000; ++seed)
        QTest::addRow("%u", seed) << seed;
}

// Random targets built from the pieces that parsers disagree about: whatever is accepted is its
// own normal form, holds no dot segment in any decoding, and its policy view is exactly its
// path on its origin (no query, nothing a server would read differently).
void TestTargetGuard::normalizedIsStable()
{
    QFETCH(quint32, seed);

    static const QStringList pieces{ u"/"_s,   u".."_s,  u"."_s,   u"%2e"_s, u"%2E"_s, u"%2f"_s,
                                     u"%25"_s, u"%5c"_s, u"a"_s,   u"?"_s,   u"//"_s,  u";"_s,
                                     u"#"_s,   u"%3b"_s, u"%41"_s, u"~"_s,   u"%7e"_s, u"list"_s,
                                     u"%"_s,   u"é"_s,   u"="_s,   u"&"_s,   u"%20"_s, u"@"_s };
    QRandomGenerator rng(seed);
    QString target = u"http://h.example/"_s;
    for (int i = 0, n = rng.bounded(1, 14); i < n; ++i)
        target += pieces.at(rng.bounded(int(pieces.size())));
    const auto result = tap::proxy::normalizeTarget(target);
    if (!result.ok())
        return;
    const QByteArray wire = result->wire;
    QVERIFY2(wire.startsWith("http://h.example/"), wire.constData());
    const auto again = tap::proxy::normalizeTarget(QString::fromLatin1(wire));
    QVERIFY2(again.ok(), wire.constData());
    QCOMPARE(again->wire, wire);
    QCOMPARE(result->url.toEncoded(), wire);
    QVERIFY2(!wire.contains('#'), wire.constData());
    const qsizetype question = wire.indexOf('?');
    const QByteArray path = wire.mid(16, question < 0 ? -1 : question - 16);
    QByteArray decoded = path;
    for (int round = 0; round < 5; ++round)
        decoded = QByteArray::fromPercentEncoding(decoded);
    decoded.replace('\\', '/');
    for (QByteArray segment : decoded.split('/')) {
        segment = segment.left(segment.indexOf(';') < 0 ? segment.size() : segment.indexOf(';'));
        QVERIFY2(segment != "." && segment != "..", wire.constData());
    }
    if (!result->policyView.isEmpty())
        QCOMPARE(result->policyView, QString::fromLatin1("http://h.example" + path));
    else
        QVERIFY2(path.contains(';') || path.contains("%3B"), wire.constData());
}

// Entries whose lower case is ASCII only after Unicode lowering (KELVIN SIGN, LATIN CAPITAL I
// WITH DOT ABOVE) or that hold non-ASCII letters: compared exactly as lowered strings, not as
// ASCII (isHostAllowed()'s shortcut is for ASCII on both sides only).
void TestTargetGuard::hostAllowedBeyondAscii_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QStringList>("allowed");
    QTest::addColumn<bool>("expected");

    QTest::addRow("kelvin sign entry")
            << u"kelvin.example"_s << QStringList{ u"\u212Aelvin.example"_s } << true;
    QTest::addRow("kelvin sign host")
            << u"\u212Aelvin.example"_s << QStringList{ u"kelvin.example"_s } << true;
    QTest::addRow("kelvin sign wildcard")
            << u"a.\u212Aelvin.example"_s << QStringList{ u"*.kelvin.example"_s } << true;
    QTest::addRow("umlaut upper") << u"x.B\u00DCCHER.example"_s
                                  << QStringList{ u"*.b\u00fccher.example"_s } << true;
    QTest::addRow("umlaut vs ascii")
            << u"bucher.example"_s << QStringList{ u"b\u00fccher.example"_s } << false;
    // U+0130 lowers to "i" and a combining dot: not "istanbul", but its own lower case.
    QTest::addRow("dotted capital I")
            << u"\u0130stanbul.example"_s << QStringList{ u"istanbul.example"_s } << false;
    QTest::addRow("dotted capital I, lowered")
            << u"\u0130stanbul.example"_s << QStringList{ u"i\u0307stanbul.example"_s } << true;
    QTest::addRow("ascii after non-ascii entry")
            << u"API.example.com"_s << QStringList{ u"b\u00fccher.example"_s, u"api.example.com"_s }
            << true;
    QTest::addRow("no-break space trimmed")
            << u"\u00a0api.example.com"_s << QStringList{ u"api.example.com"_s } << true;
}

void TestTargetGuard::hostAllowedBeyondAscii()
{
    QFETCH(QString, host);
    QFETCH(QStringList, allowed);
    QFETCH(bool, expected);
    QCOMPARE(isHostAllowed(host, allowed), expected);
}

namespace {

struct Normalised
{
    bool ok = false;
    QByteArray wire;
    QByteArray encoded;
    QString policyView;
    QString error;
    bool operator==(const Normalised &) const = default;
};

Normalised normalised(const QString &target)
{
    const auto r = tap::proxy::normalizeTarget(target);
    if (!r.ok())
        return { false, {}, {}, {}, r.error().message() };
    return { true, r->wire, r->url.toEncoded(), r->policyView, {} };
}

} // namespace

// normalizeTarget() keeps recent results per thread (whole targets, and canonical origins):
// whatever the order and however often a target comes back, it gets exactly what a thread that
// never saw anything else gets. More targets and origins than either cache holds, spellings
// that differ only in case, refusals in between.
void TestTargetGuard::repeatedTargetsAreExact()
{
    QStringList targets;
    for (int port = 8001; port <= 8024; ++port) {
        targets << u"http://x.example:%1/A/b?q=1"_s.arg(port)
                << u"HTTP://X.EXAMPLE:%1/A/b?q=1"_s.arg(port)
                << u"http://x.example:%1/a/b"_s.arg(port)
                << u"http://x.example:%1/a/b?Q=1"_s.arg(port);
    }
    targets << u"http://127.1/echo"_s << u"http://127.0.0.1/echo"_s << u"http://[::1]:80/"_s
            << u"http://x.example:0/"_s << u"http://user@x.example/"_s << u"https://x.example/%41"_s
            << u"https://X.example/a/../b"_s << u"http://b\u00fccher.example/"_s
            << u"http://B\u00dcCHER.example/"_s << u"http://x.example/a%2f..%2fb"_s;
    // Each target on a thread of its own: caches that hold nothing else.
    QList<Normalised> expected;
    for (const QString &target : std::as_const(targets)) {
        Normalised result;
        std::unique_ptr<QThread> thread(QThread::create([&] { result = normalised(target); }));
        thread->start();
        QVERIFY(thread->wait(10000));
        expected << result;
    }
    QRandomGenerator rng(7);
    for (int round = 0; round < 5; ++round) {
        for (int k = 0; k < targets.size(); ++k) {
            const int i = round == 0 ? k : int(rng.bounded(int(targets.size())));
            QVERIFY2(normalised(targets.at(i)) == expected.at(i), qPrintable(targets.at(i)));
        }
    }
}

QTEST_APPLESS_MAIN(TestTargetGuard)
#include "tst_targetguard.moc"
