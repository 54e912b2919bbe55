// The pure half of the per-agent OAuth 2.0 connect (README "Connecting an OAuth 2.0
// credential"): PKCE S256 against RFC 7636 Appendix B, state shape, the authorization URL, the
// code-exchange body and the token endpoint's answers (RFC 6749 §4.1, §5.1, §5.2).
#include "oauthconnect/authcode.h"

#include <QTest>
#include <QUrlQuery>

using namespace tap;
using namespace tap::oauthconnect;
using namespace Qt::Literals::StringLiterals;

namespace {

class CountingRandom final : public core::Random
{
public:
    QByteArray bytes(int count) override
    {
        QByteArray out(count, '\0');
        for (int i = 0; i < count; ++i)
            out[i] = char(m_next++);
        return out;
    }

private:
    int m_next = 0;
};

QString plain(const core::SecretBytes &s)
{
    return QString::fromUtf8(s.constData(), s.size());
}

} // namespace

class TestOAuthConnect : public QObject
{
    Q_OBJECT

private slots:
    void pkceRfc7636AppendixB();
    void verifierAndStateShape();
    void stateShape_data();
    void stateShape();
    void authorizationUrlCarriesEveryParameter();
    void callbackUrlFromPublicBase_data();
    void callbackUrlFromPublicBase();
    void tokenBodyEncodesEveryValue();
    void tokenAnswers_data();
    void tokenAnswers();
    void providerErrorCodesAreNotReflected();
};

void TestOAuthConnect::pkceRfc7636AppendixB()
{
    // RFC 7636 Appendix B.
    QCOMPARE(codeChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
             QByteArray("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
}

void TestOAuthConnect::verifierAndStateShape()
{
    CountingRandom random;
    const QByteArray verifier = newCodeVerifier(random);
    const QByteArray state = newState(random);
    // RFC 7636 §4.1: 43..128 unreserved characters; 32 bytes give exactly 43.
    QCOMPARE(verifier.size(), 43);
    QVERIFY(verifier != state);
    QVERIFY(isStateShape(QString::fromLatin1(state)));
    QVERIFY(isStateShape(QString::fromLatin1(verifier)));
}

void TestOAuthConnect::stateShape_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addRow("43 base64url") << QString(43, u'a') << true;
    QTest::addRow("dash underscore") << (QString(41, u'Z') + u"-_"_s) << true;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("42") << QString(42, u'a') << false;
    QTest::addRow("44") << QString(44, u'a') << false;
    QTest::addRow("padding") << (QString(42, u'a') + u'=') << false;
    QTest::addRow("plus") << (QString(42, u'a') + u'+') << false;
    QTest::addRow("newline at end") << (QString(43, u'a') + u'\n') << false;
    QTest::addRow("sql") << (u"' OR 1=1 --"_s + QString(32, u'a')) << false;
}

void TestOAuthConnect::stateShape()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QCOMPARE(isStateShape(text), ok);
}

void TestOAuthConnect::authorizationUrlCarriesEveryParameter()
{
    AuthorizationRequest r;
    r.authorizeUrl = QUrl(u"https://accounts.example.com/o/authorize?access_type=offline#frag"_s);
    r.clientId = u"client id&=+"_s;
    r.redirectUri = u"https://tap.example.com/base/oauth/callback"_s;
    r.scopes = { u"mail.read"_s, u"https://www.googleapis.com/auth/gmail.send"_s };
    r.state = u"S"_s.repeated(43);
    r.codeChallenge = u"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"_s;
    const QUrl url = authorizationUrl(r);
    QCOMPARE(url.host(), u"accounts.example.com"_s);
    QCOMPARE(url.path(), u"/o/authorize"_s);
    QVERIFY(url.fragment().isEmpty());
    const QUrlQuery q(url);
    QCOMPARE(q.queryItemValue(u"access_type"_s), u"offline"_s);
    QCOMPARE(q.queryItemValue(u"response_type"_s), u"code"_s);
    QCOMPARE(q.queryItemValue(u"client_id"_s, QUrl::FullyDecoded), r.clientId);
    QCOMPARE(q.queryItemValue(u"redirect_uri"_s, QUrl::FullyDecoded), r.redirectUri);
    QCOMPARE(q.queryItemValue(u"scope"_s, QUrl::FullyDecoded), r.scopes.join(u' '));
    QCOMPARE(q.queryItemValue(u"state"_s), r.state);
    QCOMPARE(q.queryItemValue(u"code_challenge"_s), r.codeChallenge);
    QCOMPARE(q.queryItemValue(u"code_challenge_method"_s), u"S256"_s);
    // Delimiters inside values stay inside them.
    QVERIFY(url.toString(QUrl::FullyEncoded).contains(u"client_id=client%20id%26%3D%2B"_s));
    r.scopes.clear();
    QVERIFY(!QUrlQuery(authorizationUrl(r)).hasQueryItem(u"scope"_s));
}

void TestOAuthConnect::callbackUrlFromPublicBase_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("callback");
    QTest::addRow("bare") << u"http://127.0.0.1:8080"_s
                          << u"http://127.0.0.1:8080/oauth/callback"_s;
    QTest::addRow("slash") << u"https://tap.example.com/"_s
                           << u"https://tap.example.com/oauth/callback"_s;
    QTest::addRow("prefix") << u"https://example.com/tap/?x=1#y"_s
                            << u"https://example.com/tap/oauth/callback"_s;
}

void TestOAuthConnect::callbackUrlFromPublicBase()
{
    QFETCH(QString, base);
    QFETCH(QString, callback);
    QCOMPARE(callbackUrl(QUrl(base)), callback);
}

void TestOAuthConnect::tokenBodyEncodesEveryValue()
{
    const core::SecretBytes secret(QByteArray("s3cr&t=+/ é"));
    const core::SecretBytes body = tokenRequestBody(u"c0de&x=1"_s, u"https://t/oauth/callback"_s,
                                                    "verifier-_", u"cid"_s, secret);
    const QUrlQuery q(plain(body));
    QCOMPARE(q.queryItemValue(u"grant_type"_s), u"authorization_code"_s);
    QCOMPARE(q.queryItemValue(u"code"_s, QUrl::FullyDecoded), u"c0de&x=1"_s);
    QCOMPARE(q.queryItemValue(u"redirect_uri"_s, QUrl::FullyDecoded),
             u"https://t/oauth/callback"_s);
    QCOMPARE(q.queryItemValue(u"client_id"_s), u"cid"_s);
    QCOMPARE(q.queryItemValue(u"code_verifier"_s), u"verifier-_"_s);
    QCOMPARE(q.queryItemValue(u"client_secret"_s, QUrl::FullyDecoded), u"s3cr&t=+/ é"_s);
    QVERIFY(!q.hasQueryItem(u"x"_s));
    const core::SecretBytes publicClient =
            tokenRequestBody(u"c"_s, u"r"_s, "v", u"cid"_s, core::SecretBytes());
    QVERIFY(!QUrlQuery(plain(publicClient)).hasQueryItem(u"client_secret"_s));
}

void TestOAuthConnect::tokenAnswers_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("refresh");
    QTest::addColumn<QString>("mentions");
    QTest::addRow("full")
            << 200
            << QByteArray(
                       R"({"access_token":"at","refresh_token":"rt","expires_in":3600,"token_type":"Bearer"})")
            << true << u"rt"_s << QString();
    QTest::addRow("no refresh token")
            << 200 << QByteArray(R"({"access_token":"at"})") << true << QString() << QString();
    QTest::addRow("invalid_grant")
            << 400 << QByteArray(R"({"error":"invalid_grant","error_description":"rt-SECRET bad"})")
            << false << QString() << u"invalid_grant"_s;
    QTest::addRow("error with 200") << 200 << QByteArray(R"({"error":"invalid_client"})") << false
                                    << QString() << u"invalid_client"_s;
    QTest::addRow("html 500") << 500 << QByteArray("<html>oops</html>") << false << QString()
                              << u"500"_s;
    QTest::addRow("no access token") << 200 << QByteArray(R"({"refresh_token":"rt"})") << false
                                     << QString() << u"access_token"_s;
    QTest::addRow("empty refresh token")
            << 200 << QByteArray(R"({"access_token":"a","refresh_token":""})") << false << QString()
            << u"refresh_token"_s;
    QTest::addRow("array") << 200 << QByteArray("[]") << false << QString() << u"JSON"_s;
    QTest::addRow("foreign error code")
            << 400 << QByteArray(R"({"error":"<script>rt-SECRET</script>"})") << false << QString()
            << u"(error,"_s;
}

void TestOAuthConnect::tokenAnswers()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, ok);
    QFETCH(QString, refresh);
    QFETCH(QString, mentions);
    const auto answer = parseTokenResponse(status, body);
    QCOMPARE(bool(answer), ok);
    if (ok) {
        QCOMPARE(plain(answer->refreshToken), refresh);
        QVERIFY(!answer->accessToken.isEmpty());
        return;
    }
    QCOMPARE(answer.error().code(), core::ErrorCode::UpstreamError);
    QVERIFY2(answer.error().message().contains(mentions), qPrintable(answer.error().message()));
    QVERIFY(!answer.error().message().contains(u"SECRET"_s));
}

void TestOAuthConnect::providerErrorCodesAreNotReflected()
{
    QCOMPARE(providerErrorCode(u"access_denied"_s), u"access_denied"_s);
    QCOMPARE(providerErrorCode(u"<b>x</b>"_s), u"error"_s);
    QCOMPARE(providerErrorCode(QString()), u"error"_s);
}

QTEST_GUILESS_MAIN(TestOAuthConnect)
#include "tst_oauthconnect.moc"
