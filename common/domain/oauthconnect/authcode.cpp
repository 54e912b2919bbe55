#include "oauthconnect/authcode.h"

#include "core/base64url.h"
#include "crypto/hmac.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace tap::oauthconnect {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;

namespace {

QByteArray encoded(const QString &value)
{
    return QUrl::toPercentEncoding(value);
}

void append(QByteArray &query, const char *key, const QString &value)
{
    if (!query.isEmpty())
        query += '&';
    query += key;
    query += '=';
    query += encoded(value);
}

} // namespace

QByteArray newCodeVerifier(core::Random &random)
{
    return core::base64UrlEncode(random.bytes(32));
}

QByteArray newState(core::Random &random)
{
    return core::base64UrlEncode(random.bytes(32));
}

bool isStateShape(QStringView text)
{
    return text.size() == 43 && std::all_of(text.begin(), text.end(), [](QChar c) {
               return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z')
                       || (c >= u'0' && c <= u'9') || c == u'-' || c == u'_';
           });
}

QByteArray codeChallengeS256(QByteArrayView verifier)
{
    return core::base64UrlEncode(crypto::sha256(verifier));
}

QUrl authorizationUrl(const AuthorizationRequest &request)
{
    QUrl url = request.authorizeUrl;
    QByteArray query = url.query(QUrl::FullyEncoded).toLatin1();
    append(query, "response_type", QStringLiteral("code"));
    append(query, "client_id", request.clientId);
    append(query, "redirect_uri", request.redirectUri);
    if (!request.scopes.isEmpty())
        append(query, "scope", request.scopes.join(u' '));
    append(query, "state", request.state);
    append(query, "code_challenge", request.codeChallenge);
    append(query, "code_challenge_method", QStringLiteral("S256"));
    url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    url.setFragment(QString());
    return url;
}

QString callbackUrl(const QUrl &publicBase)
{
    QUrl url = publicBase.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment);
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + QStringLiteral("/oauth/callback"));
    return url.toString(QUrl::FullyEncoded);
}

SecretBytes tokenRequestBody(const QString &code, const QString &redirectUri,
                             QByteArrayView codeVerifier, const QString &clientId,
                             const SecretBytes &clientSecret)
{
    QByteArray body;
    append(body, "grant_type", QStringLiteral("authorization_code"));
    append(body, "code", code);
    append(body, "redirect_uri", redirectUri);
    append(body, "client_id", clientId);
    body += "&code_verifier=";
    body += codeVerifier; // base64url: nothing to encode
    if (!clientSecret.isEmpty()) {
        body += "&client_secret=";
        QByteArray secret = QUrl::toPercentEncoding(
                QString::fromUtf8(clientSecret.constData(), clientSecret.size()));
        body += secret;
        core::wipe(secret);
    }
    return SecretBytes::adopt(std::move(body));
}

Result<TokenAnswer> parseTokenResponse(int status, const QByteArray &body)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject o = doc.object();
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return Error(ErrorCode::UpstreamError,
                     QStringLiteral("The token endpoint answered %1 without a JSON object.")
                             .arg(status));
    if (status != 200 || !o.value(u"error").isUndefined()) {
        const QString code = providerErrorCode(o.value(u"error").toString());
        return Error(ErrorCode::UpstreamError,
                     QStringLiteral("The token endpoint refused the code (%1, HTTP %2).")
                             .arg(code)
                             .arg(status));
    }
    const QJsonValue access = o.value(u"access_token");
    const QJsonValue refresh = o.value(u"refresh_token");
    if (!access.isString() || access.toString().isEmpty()
        || (!refresh.isUndefined() && (!refresh.isString() || refresh.toString().isEmpty())))
        return Error(ErrorCode::UpstreamError,
                     QStringLiteral("The token endpoint's answer has no usable access_token or "
                                    "refresh_token."));
    TokenAnswer answer;
    answer.accessToken = SecretBytes(access.toString().toUtf8());
    answer.refreshToken = SecretBytes(refresh.toString().toUtf8());
    const QJsonValue expires = o.value(u"expires_in");
    if (expires.isDouble() && expires.toDouble() >= 0 && expires.toDouble() < 1e9)
        answer.expiresInS = qint64(expires.toDouble());
    return answer;
}

QString providerErrorCode(const QString &error)
{
    // RFC 6749 §4.1.2.1 and §5.2: the registered codes are reflected, anything else is not.
    static const QStringList known{
        QStringLiteral("access_denied"),           QStringLiteral("invalid_request"),
        QStringLiteral("unauthorized_client"),     QStringLiteral("unsupported_response_type"),
        QStringLiteral("invalid_scope"),           QStringLiteral("server_error"),
        QStringLiteral("temporarily_unavailable"), QStringLiteral("invalid_client"),
        QStringLiteral("invalid_grant"),           QStringLiteral("unsupported_grant_type"),
    };
    return known.contains(error) ? error : QStringLiteral("error");
}

} // namespace tap::oauthconnect
