#include "signing/oauth1.h"

#include "crypto/hmac.h"

#include <algorithm>

namespace tap::signing {

QByteArray oauthBaseUri(const UrlParts &url)
{
    QByteArray out = url.scheme + "://" + url.host;
    const int defaultPort = url.scheme == "https" ? 443 : 80;
    if (url.port > 0 && url.port != defaultPort)
        out += ':' + QByteArray::number(url.port);
    return out + url.path;
}

namespace {

// The protocol parameters (RFC 5849 §3.1), without oauth_signature.
QList<Param> protocolParams(const OAuth1Keys &keys, const OAuth1Stamp &stamp)
{
    QList<Param> params{ { "oauth_consumer_key", keys.consumerKey },
                         { "oauth_nonce", stamp.nonce },
                         { "oauth_signature_method", "HMAC-SHA1" },
                         { "oauth_timestamp", stamp.timestamp } };
    if (!keys.token.isEmpty())
        params.append(Param{ "oauth_token", keys.token });
    if (stamp.withVersion)
        params.append(Param{ "oauth_version", "1.0" });
    return params;
}

QByteArray headerValue(const QList<Param> &params, const QByteArray &realm)
{
    QByteArray out = "OAuth ";
    if (!realm.isEmpty())
        out += "realm=\"" + encodeUnreserved(realm) + "\", ";
    for (qsizetype i = 0; i < params.size(); ++i) {
        if (i > 0)
            out += ", ";
        out += encodeUnreserved(params[i].name) + "=\"" + encodeUnreserved(params[i].value) + '"';
    }
    return out;
}

} // namespace

core::Result<OAuth1Signature> signOAuth1(const OAuth1Keys &keys, const OAuth1Request &request,
                                         const OAuth1Stamp &stamp)
{
    auto url = splitUrl(request.url);
    if (!url)
        return url.error();
    auto query = decodePairs(url->query, true);
    if (!query)
        return query.error();
    auto form = decodePairs(request.formBody, true);
    if (!form)
        return form.error();
    QList<Param> all = query.value() + form.value();
    QList<Param> protocol = protocolParams(keys, stamp);
    all += protocol;

    OAuth1Signature out;
    out.baseString = request.method.toUpper() + '&' + encodeUnreserved(oauthBaseUri(url.value()))
            + '&' + encodeUnreserved(encodeSortJoin(all));
    const QByteArray key =
            encodeUnreserved(keys.consumerSecret) + '&' + encodeUnreserved(keys.tokenSecret);
    const QByteArray mac = crypto::hmacSha1(key, out.baseString);
    if (mac.isEmpty())
        return core::Error(core::ErrorCode::Internal, QStringLiteral("Signing failed."));
    out.signature = mac.toBase64();
    protocol.append(Param{ "oauth_signature", out.signature });
    std::sort(protocol.begin(), protocol.end(),
              [](const Param &a, const Param &b) { return a.name < b.name; });
    out.authorization = headerValue(protocol, stamp.realm);
    return out;
}

} // namespace tap::signing
