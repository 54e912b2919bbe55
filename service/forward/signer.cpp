#include "forward/signer.h"

#include "crypto/hmac.h"
#include "signing/oauth1.h"
#include "signing/sigv4.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace tap::forward {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

// The sealed object of a signing kind (README "Signing credentials"): {"part": "value", ...}.
QJsonObject openParts(const core::SecretBytes &secret)
{
    return QJsonDocument::fromJson(secret.view().toByteArray()).object();
}

QByteArray part(const QJsonObject &parts, const char *name)
{
    return parts.value(QLatin1String(name)).toString().toUtf8();
}

bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

QByteArray headerOf(const upstream::HeaderList &headers, QByteArrayView name)
{
    for (const auto &[n, v] : headers) {
        if (sameName(n, name))
            return v;
    }
    return {};
}

bool isFormBody(const QByteArray &contentType)
{
    const QByteArray type = contentType.split(';').first().trimmed();
    return sameName(type, "application/x-www-form-urlencoded");
}

Result<void> signOAuth1(const QJsonObject &parts, upstream::Request &u, bool streamed,
                        const core::Clock &clock, core::Random &random)
{
    signing::OAuth1Request request{ u.method, u.url.toEncoded(), {} };
    if (isFormBody(headerOf(u.headers, "content-type"))) {
        if (streamed)
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("An OAuth 1.0a credential signs the parameters of a form "
                                        "body, which must then arrive whole: this body was "
                                        "streamed (too large to sign). Send a smaller form "
                                        "body."));
        request.formBody = u.body;
    }
    const signing::OAuth1Keys keys{ part(parts, "consumer_key"), part(parts, "consumer_secret"),
                                    part(parts, "token"), part(parts, "token_secret") };
    signing::OAuth1Stamp stamp;
    stamp.nonce = random.bytes(16).toHex();
    stamp.timestamp = QByteArray::number(clock.nowMs() / 1000);
    auto signature = signing::signOAuth1(keys, request, stamp);
    if (!signature)
        return signature.error();
    u.headers.append({ QByteArrayLiteral("Authorization"), signature->authorization });
    return {};
}

// The headers an aws_sigv4 signature covers besides Host: Content-Type, Content-MD5 and the
// X-Amz-* headers the agent sent (tapd's own X-Amz-Date, X-Amz-Security-Token and
// X-Amz-Content-Sha256 replace the agent's; the agent's hash of a streamed body is kept).
bool isOwnAmzHeader(QByteArrayView name)
{
    return sameName(name, "x-amz-date") || sameName(name, "x-amz-security-token")
            || sameName(name, "x-amz-content-sha256");
}

// A streamed body's hash as the agent computed it (X-Amz-Content-Sha256: 64 lower-case hex
// digits), which AWS then checks against the body; else UNSIGNED-PAYLOAD.
QByteArray streamedPayloadHash(const upstream::HeaderList &headers)
{
    const QByteArray sent = headerOf(headers, "x-amz-content-sha256").trimmed();
    const bool hex = sent.size() == 64 && std::all_of(sent.begin(), sent.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    return hex ? sent : QByteArrayLiteral("UNSIGNED-PAYLOAD");
}

Result<void> signAws(const store::CredentialRow &row, const QJsonObject &parts,
                     upstream::Request &u, bool streamed, const core::Clock &clock)
{
    const QByteArray service =
            row.kindSettings.value(QStringLiteral("service")).toString().toUtf8();
    const signing::SigV4Key key{
        part(parts, "access_key_id"), part(parts, "secret_access_key"),
        part(parts, "session_token"),
        row.kindSettings.value(QStringLiteral("region")).toString().toUtf8(), service
    };
    upstream::HeaderList kept;
    signing::SigV4Request request;
    request.method = u.method;
    request.url = u.url.toEncoded();
    for (const auto &[name, value] : std::as_const(u.headers)) {
        if (isOwnAmzHeader(name))
            continue;
        kept.append({ name, value });
        if (sameName(name, "content-type") || sameName(name, "content-md5")
            || (name.size() > 6 && sameName(QByteArrayView(name).first(6), "x-amz-")))
            request.headers.append({ name, value });
    }
    request.payloadHash =
            streamed ? streamedPayloadHash(u.headers) : crypto::sha256(u.body).toHex();
    // S3 requires it; for a streamed body it tells any service what was signed.
    request.contentSha256Header = service == "s3" || streamed;
    auto signature = signing::signSigV4(key, request, clock.now(), signing::pathRuleFor(service));
    if (!signature)
        return signature.error();
    for (const signing::Param &h : std::as_const(signature->addHeaders))
        kept.append({ h.name, h.value });
    u.headers = kept;
    return {};
}

} // namespace

bool isSigningKind(const store::CredentialRow &row)
{
    return row.kind != u"static";
}

QList<sanitizer::Secret> scrubSecrets(const store::CredentialRow &row,
                                      const core::SecretBytes &secret)
{
    QList<sanitizer::Secret> out{ { row.name, secret } };
    if (!isSigningKind(row))
        return out;
    // Every secret byte of the sealed object (compact JSON) is in a part (api::checkParts: each
    // a non-empty string). When each part stands in it unescaped — its exact `"key":"value"`
    // slot is there, so no `"`, `\` or control character was escaped — and is long enough for
    // the scrubber's base64 patterns inside a longer run (6 bytes), the object echoed whole has
    // each part redacted: it is no pattern of its own then (a longer automaton and stream window
    // for every request). The limit is that of any value inside a longer base64 or hex run: the
    // one or two characters mixing a part's edge byte with its neighbour stay. The object is
    // never sent upstream (signing kinds sign with the parts). Otherwise, as when the value is
    // no object of strings, the whole value stays a pattern too (fail closed).
    const QJsonObject parts = openParts(secret);
    bool partsCover = !parts.isEmpty();
    for (auto it = parts.begin(); it != parts.end(); ++it) {
        const QByteArray value = it.value().toString().toUtf8();
        if (partsCover) {
            QByteArray slot = '"' + it.key().toUtf8() + "\":\"" + value + '"';
            partsCover = it.value().isString() && value.size() >= 6 && secret.view().contains(slot);
            slot.fill('\0');
        }
        out.append({ row.name, core::SecretBytes(value) });
    }
    if (partsCover)
        out.removeFirst();
    return out;
}

Result<void> signRequest(const store::CredentialRow &row, const core::SecretBytes &secret,
                         upstream::Request &request, bool streamed, const core::Clock &clock,
                         core::Random &random)
{
    const QJsonObject parts = openParts(secret);
    if (parts.isEmpty())
        return Error(ErrorCode::Internal, QStringLiteral("The credential's parts cannot be read."));
    if (row.kind == u"oauth1")
        return signOAuth1(parts, request, streamed, clock, random);
    if (row.kind == u"aws_sigv4")
        return signAws(row, parts, request, streamed, clock);
    return Error(ErrorCode::Internal, QStringLiteral("Unknown credential kind."));
}

} // namespace tap::forward
