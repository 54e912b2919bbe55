// OAuth 1.0a (RFC 5849) and AWS SigV4 request signing against published vectors.
#include "signing/oauth1.h"
#include "signing/sigv4.h"

#include "crypto/hmac.h"

#include <QTest>
#include <QTimeZone>

Q_DECLARE_METATYPE(tap::signing::Param)

using namespace tap::signing;

class TestSigning : public QObject
{
    Q_OBJECT

private slots:
    void encodeUnreservedOnly();
    void percentDecodeIsStrict();
    void splitUrlParts();
    void splitUrlRefuses_data();
    void splitUrlRefuses();
    void oauth1Rfc5849Photos();
    void oauth1TwitterGuide();
    void oauth1Rfc5849BaseString();
    void oauth1TwoLeggedAndRealm();
    void oauth1RefusesMalformed();
    void sigv4Suite_data();
    void sigv4Suite();
    void sigv4PostForm();
    void sigv4SessionTokenAndContentHash();
    void sigv4DoubleEncodesForOtherServices();
    void sigv4HeaderValuesCanonical();
    void sigv4RefusesControlCharacters();
};

void TestSigning::encodeUnreservedOnly()
{
    QCOMPARE(encodeUnreserved("Aa0-._~"), QByteArray("Aa0-._~"));
    QCOMPARE(encodeUnreserved(" +/=%&*\xe1\x88\xb4"), QByteArray("%20%2B%2F%3D%25%26%2A%E1%88%B4"));
}

void TestSigning::percentDecodeIsStrict()
{
    QCOMPARE(percentDecode("a%20b+c", true).value(), QByteArray("a b c"));
    QCOMPARE(percentDecode("a%20b+c", false).value(), QByteArray("a b+c"));
    QCOMPARE(percentDecode("%e1%88%B4", false).value(), QByteArray("\xe1\x88\xb4"));
    for (const char *bad : { "%", "%4", "%zz", "a%2", "%%41" })
        QVERIFY2(!percentDecode(bad, false).ok(), bad);
}

void TestSigning::splitUrlParts()
{
    auto u = splitUrl("HTTPS://Api.Example.COM:8443/a%20b/c?x=1&y");
    QVERIFY(u.ok());
    QCOMPARE(u->scheme, QByteArray("https"));
    QCOMPARE(u->host, QByteArray("api.example.com"));
    QCOMPARE(u->port, 8443);
    QCOMPARE(u->path, QByteArray("/a%20b/c"));
    QCOMPARE(u->query, QByteArray("x=1&y"));
    auto bare = splitUrl("http://[::1]?q");
    QVERIFY(bare.ok());
    QCOMPARE(bare->host, QByteArray("[::1]"));
    QCOMPARE(bare->port, -1);
    QCOMPARE(bare->path, QByteArray("/"));
    QCOMPARE(bare->query, QByteArray("q"));
}

void TestSigning::splitUrlRefuses_data()
{
    QTest::addColumn<QByteArray>("url");
    QTest::addRow("relative") << QByteArray("/path");
    QTest::addRow("ftp") << QByteArray("ftp://h/");
    QTest::addRow("fragment") << QByteArray("https://h/#f");
    QTest::addRow("userinfo") << QByteArray("https://u:p@h/");
    QTest::addRow("port 0") << QByteArray("https://h:0/");
    QTest::addRow("port text") << QByteArray("https://h:x/");
    QTest::addRow("port big") << QByteArray("https://h:70000/");
    QTest::addRow("no host") << QByteArray("https:///p");
}

void TestSigning::splitUrlRefuses()
{
    QFETCH(QByteArray, url);
    auto u = splitUrl(url);
    QVERIFY(!u.ok());
    QCOMPARE(u.error().code(), tap::core::ErrorCode::InvalidRequest);
}

// RFC 5849 §1.2: Jane's printer fetches a photo (no oauth_version in this example).
void TestSigning::oauth1Rfc5849Photos()
{
    const OAuth1Keys keys{ "dpf43f3p2l4k3l03", "kd94hf93k423kf44", "nnch734d00sl2jdk",
                           "pfkkdhi9sl3r4s00" };
    const OAuth1Request request{ "GET",
                                 "http://photos.example.net/photos?file=vacation.jpg&size=original",
                                 {} };
    const OAuth1Stamp stamp{ "chapoH", "137131202", false, "Photos" };
    auto s = signOAuth1(keys, request, stamp);
    QVERIFY(s.ok());
    QCOMPARE(s->baseString,
             QByteArray("GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26"
                        "oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26"
                        "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26"
                        "oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal"));
    QCOMPARE(s->signature, QByteArray("MdpQcU8iPSUjWoN/UDMsK2sui9I="));
    QCOMPARE(
            s->authorization,
            QByteArray(
                    "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", "
                    "oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\", "
                    "oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", "
                    "oauth_token=\"nnch734d00sl2jdk\""));
}

// Twitter/X developer guide "Creating a signature": a form-encoded POST with a query.
void TestSigning::oauth1TwitterGuide()
{
    const OAuth1Keys keys{ "xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                           "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                           "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE" };
    const OAuth1Request request{
        "post", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
        "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21"
    };
    const OAuth1Stamp stamp{ "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "1318622958", true, {} };
    auto s = signOAuth1(keys, request, stamp);
    QVERIFY(s.ok());
    QVERIFY(s->baseString.startsWith("POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate."
                                     "json&include_entities%3Dtrue%26"));
    QVERIFY(s->baseString.endsWith("%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%"
                                   "2520a%2520signed%2520OAuth%2520request%2521"));
    QCOMPARE(s->signature, QByteArray("hCtSmYh+iHYCEqBWrE7C7hYmtUk="));
    QVERIFY(s->authorization.contains("oauth_version=\"1.0\""));
    QVERIFY(!s->authorization.contains("realm"));
}

// RFC 5849 §3.4.1.1: repeated names, '+' in a form body, an encoded '%', a name without '='.
void TestSigning::oauth1Rfc5849BaseString()
{
    const OAuth1Keys keys{ "9djdj82h48djs9d2", "j49sk3j29djd", "kkk9d7dh3k39sjv7", "dh893hdasih9" };
    const OAuth1Request request{ "POST",
                                 "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
                                 "c2&a3=2+q" };
    const OAuth1Stamp stamp{ "7d8f3e4a", "137131201", false, "Example" };
    auto s = signOAuth1(keys, request, stamp);
    QVERIFY(s.ok());
    QCOMPARE(s->baseString,
             QByteArray("POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26"
                        "a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D"
                        "9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-"
                        "SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"));
    // §3.4.1.2: the default port is dropped, another one kept, scheme and host lower-cased.
    QCOMPARE(oauthBaseUri(splitUrl("HTTP://EXAMPLE.COM:80/r%20v/X?id=123").value()),
             QByteArray("http://example.com/r%20v/X"));
    QCOMPARE(oauthBaseUri(splitUrl("https://www.example.net:8080/?q=1").value()),
             QByteArray("https://www.example.net:8080/"));
}

void TestSigning::oauth1TwoLeggedAndRealm()
{
    const OAuth1Keys keys{ "ck", "cs&x", {}, {} };
    auto s = signOAuth1(keys, { "GET", "https://h/p", {} }, { "n", "1", true, "a b" });
    QVERIFY(s.ok());
    QVERIFY(!s->baseString.contains("oauth_token"));
    QVERIFY(s->authorization.startsWith("OAuth realm=\"a%20b\", oauth_consumer_key=\"ck\""));
    // The key is encoded secret '&' encoded token secret: a '&' inside a secret cannot shift it.
    auto other = signOAuth1({ "ck", "cs", {}, "x" }, { "GET", "https://h/p", {} },
                            { "n", "1", true, {} });
    QVERIFY(other.ok());
    QVERIFY(s->signature != other->signature);
}

void TestSigning::oauth1RefusesMalformed()
{
    const OAuth1Keys keys{ "ck", "cs", "t", "ts" };
    QVERIFY(!signOAuth1(keys, { "GET", "https://h/p?a=%zz", {} }, { "n", "1", true, {} }).ok());
    QVERIFY(!signOAuth1(keys, { "POST", "https://h/p", "a=%4" }, { "n", "1", true, {} }).ok());
    QVERIFY(!signOAuth1(keys, { "GET", "ftp://h/p", {} }, { "n", "1", true, {} }).ok());
}

namespace {

const SigV4Key suiteKey{
    "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}, "us-east-1", "service"
};

QDateTime suiteTime()
{
    return QDateTime(QDate(2015, 8, 30), QTime(12, 36, 0), QTimeZone::utc());
}

QByteArray authorizationOf(const SigV4Signature &s)
{
    for (const Param &h : s.addHeaders)
        if (h.name == "Authorization")
            return h.value;
    return {};
}

} // namespace

// The AWS SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30, service "service"): requests
// with only Host and X-Amz-Date, signed with the suite's single-encoding path rule.
void TestSigning::sigv4Suite_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("url");
    QTest::addColumn<QList<Param>>("headers");
    QTest::addColumn<QByteArray>("signedHeaders");
    QTest::addColumn<QByteArray>("signature");
    const QList<Param> none;
    QTest::addRow("get-vanilla")
            << QByteArray("GET") << QByteArray("https://example.amazonaws.com/") << none
            << QByteArray("host;x-amz-date")
            << QByteArray("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    QTest::addRow("get-vanilla-query-order-key-case")
            << QByteArray("GET")
            << QByteArray("https://example.amazonaws.com/?Param2=value2&Param1=value1") << none
            << QByteArray("host;x-amz-date")
            << QByteArray("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    QTest::addRow("post-vanilla")
            << QByteArray("POST") << QByteArray("https://example.amazonaws.com/") << none
            << QByteArray("host;x-amz-date")
            << QByteArray("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    QTest::addRow("post-vanilla-empty-query-value")
            << QByteArray("POST") << QByteArray("https://example.amazonaws.com/?Param1=value1")
            << none << QByteArray("host;x-amz-date")
            << QByteArray("28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11");
    QTest::addRow("post-header-value-case")
            << QByteArray("POST") << QByteArray("https://example.amazonaws.com/")
            << QList<Param>{ { "My-Header1", "VALUE1" } }
            << QByteArray("host;my-header1;x-amz-date")
            << QByteArray("cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d");
    QTest::addRow("get-space")
            << QByteArray("GET") << QByteArray("https://example.amazonaws.com/example%20space/")
            << none << QByteArray("host;x-amz-date")
            << QByteArray("652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");
    QTest::addRow("get-utf8")
            << QByteArray("GET") << QByteArray("https://example.amazonaws.com/%E1%88%B4") << none
            << QByteArray("host;x-amz-date")
            << QByteArray("8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

void TestSigning::sigv4Suite()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, url);
    QFETCH(QList<Param>, headers);
    QFETCH(QByteArray, signedHeaders);
    QFETCH(QByteArray, signature);
    headers.prepend({ "Host", "example.amazonaws.com" });
    auto s = signSigV4(suiteKey, { method, url, headers, kEmptyPayloadHash, false }, suiteTime(),
                       SigV4Path::Single);
    QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message()));
    QCOMPARE(s->signature, signature);
    QCOMPARE(authorizationOf(s.value()),
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
             "SignedHeaders="
                     + signedHeaders + ", Signature=" + signature);
    QCOMPARE(s->addHeaders.at(1), (Param{ "X-Amz-Date", "20150830T123600Z" }));
}

// post-x-www-form-urlencoded: a signed payload and a signed Content-Type.
void TestSigning::sigv4PostForm()
{
    const QByteArray body = "Param1=value1";
    const QByteArray hash = tap::crypto::sha256(body).toHex();
    QCOMPARE(hash, QByteArray("9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"));
    auto s = signSigV4(suiteKey,
                       { "POST",
                         "https://example.amazonaws.com/",
                         { { "Content-Type", "application/x-www-form-urlencoded" } },
                         hash,
                         false },
                       suiteTime(), SigV4Path::Single);
    QVERIFY(s.ok());
    QCOMPARE(s->canonicalRequest,
             "POST\n/\n\ncontent-type:application/"
             "x-www-form-urlencoded\nhost:example.amazonaws.com\n"
             "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
                     + hash);
}

void TestSigning::sigv4SessionTokenAndContentHash()
{
    SigV4Key key = suiteKey;
    key.sessionToken = "tok/en+=";
    key.service = "s3";
    auto s = signSigV4(key, { "PUT", "https://b.s3.amazonaws.com/k", {}, "UNSIGNED-PAYLOAD", true },
                       suiteTime(), pathRuleFor(key.service));
    QVERIFY(s.ok());
    QVERIFY(s->canonicalRequest.contains("\nhost:b.s3.amazonaws.com\nx-amz-content-sha256:UNSIGNED-"
                                         "PAYLOAD\nx-amz-date:20150830T123600Z\n"
                                         "x-amz-security-token:tok/en+=\n"));
    QVERIFY(s->canonicalRequest.endsWith(
            "\nhost;x-amz-content-sha256;x-amz-date;x-amz-security-token\nUNSIGNED-PAYLOAD"));
    QVERIFY(s->addHeaders.contains(Param{ "X-Amz-Security-Token", "tok/en+=" }));
    QVERIFY(s->addHeaders.contains(Param{ "X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD" }));
    QVERIFY(s->stringToSign.startsWith(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/s3/aws4_request\n"));
}

// Services other than S3: each path segment encoded twice, empty segments dropped (botocore).
void TestSigning::sigv4DoubleEncodesForOtherServices()
{
    QCOMPARE(sigv4CanonicalUri("/example%20space/", SigV4Path::Double).value(),
             QByteArray("/example%2520space/"));
    QCOMPARE(sigv4CanonicalUri("/%E1%88%B4", SigV4Path::Double).value(),
             QByteArray("/%25E1%2588%25B4"));
    QCOMPARE(sigv4CanonicalUri("//example//", SigV4Path::Double).value(), QByteArray("/example/"));
    QCOMPARE(sigv4CanonicalUri("/a$b", SigV4Path::Single).value(), QByteArray("/a%24b"));
    QCOMPARE(sigv4CanonicalUri("/a$b", SigV4Path::Double).value(), QByteArray("/a%2524b"));
    QCOMPARE(sigv4CanonicalUri("//k", SigV4Path::Single).value(), QByteArray("//k"));
    QCOMPARE(pathRuleFor("s3"), SigV4Path::Single);
    QCOMPARE(pathRuleFor("execute-api"), SigV4Path::Double);
    QCOMPARE(sigv4CanonicalQuery("b=2&a=z&a=y&c&d=%2f+").value(),
             QByteArray("a=y&a=z&b=2&c=&d=%2F%2B"));
    QVERIFY(!sigv4CanonicalQuery("a=%g0").ok());
    QVERIFY(!sigv4CanonicalUri("/%2", SigV4Path::Single).ok());
}

void TestSigning::sigv4HeaderValuesCanonical()
{
    auto s = signSigV4(suiteKey,
                       { "GET",
                         "https://example.amazonaws.com:8443/",
                         { { "X-B", "  a   b \t c  " }, { "x-a", "1" }, { "X-B", "2" } },
                         kEmptyPayloadHash,
                         false },
                       suiteTime(), SigV4Path::Single);
    QVERIFY(s.ok());
    QVERIFY(s->canonicalRequest.contains(
            "\nhost:example.amazonaws.com:8443\nx-a:1\nx-amz-date:20150830T123600Z\nx-b:a b c,2\n\n"
            "host;x-a;x-amz-date;x-b\n"));
}

void TestSigning::sigv4RefusesControlCharacters()
{
    auto s = signSigV4(suiteKey,
                       { "GET", "https://h/", { { "X-A", "a\r\nb" } }, kEmptyPayloadHash, false },
                       suiteTime(), SigV4Path::Single);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code(), tap::core::ErrorCode::InvalidRequest);
}

QTEST_GUILESS_MAIN(TestSigning)
#include "tst_signing.moc"
