#include "signing/sigv4.h"

#include "crypto/hmac.h"

#include <QTimeZone>

#include <algorithm>
#include <optional>

namespace tap::signing {

namespace {

core::Error invalid(const QString &message)
{
    return core::Error(core::ErrorCode::InvalidRequest, message);
}

// Header values: trimmed, runs of spaces and tabs collapsed to one space. Empty when the value
// has a control character (refused by the caller).
std::optional<QByteArray> canonicalValue(const QByteArray &value)
{
    QByteArray out;
    bool space = false;
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == ' ' || c == '\t') {
            space = !out.isEmpty();
            continue;
        }
        if (byte < 0x20 || byte == 0x7f)
            return std::nullopt;
        if (space)
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

struct CanonicalHeaders
{
    QByteArray block; // "name:value\n" each
    QByteArray signedNames; // "a;b;c"
};

core::Result<CanonicalHeaders> canonicalHeaders(const QList<Param> &headers)
{
    QList<Param> lowered;
    for (const Param &h : headers) {
        auto value = canonicalValue(h.value);
        if (!value)
            return invalid(QStringLiteral("A header to sign has a control character."));
        lowered.append(Param{ h.name.trimmed().toLower(), *value });
    }
    std::stable_sort(lowered.begin(), lowered.end(),
                     [](const Param &a, const Param &b) { return a.name < b.name; });
    CanonicalHeaders out;
    for (qsizetype i = 0; i < lowered.size(); ++i) {
        if (i > 0 && lowered[i].name == lowered[i - 1].name) {
            out.block.chop(1); // the previous '\n': same name, values joined with ','
            out.block += ',' + lowered[i].value + '\n';
            continue;
        }
        if (!out.signedNames.isEmpty())
            out.signedNames += ';';
        out.signedNames += lowered[i].name;
        out.block += lowered[i].name + ':' + lowered[i].value + '\n';
    }
    return out;
}

QByteArray hexSha256(QByteArrayView data)
{
    return crypto::sha256(data).toHex();
}

bool hasHeader(const QList<Param> &headers, QByteArrayView name)
{
    return std::any_of(headers.begin(), headers.end(), [&](const Param &h) {
        return h.name.trimmed().compare(name, Qt::CaseInsensitive) == 0;
    });
}

} // namespace

core::Result<QByteArray> sigv4CanonicalUri(QByteArrayView path, SigV4Path rule)
{
    QByteArray out;
    qsizetype start = 1; // path starts with '/'
    if (!path.startsWith('/'))
        return invalid(QStringLiteral("The path to sign is not absolute."));
    while (start <= path.size()) {
        qsizetype end = path.indexOf('/', start);
        const bool last = end < 0;
        if (last)
            end = path.size();
        const QByteArrayView segment = path.sliced(start, end - start);
        start = end + 1;
        // Other services normalise: an empty segment (from "//") is dropped, except the last one
        // (a trailing slash is kept).
        if (segment.isEmpty() && rule == SigV4Path::Double && !last)
            continue;
        auto raw = percentDecode(segment, false);
        if (!raw)
            return raw.error();
        QByteArray encoded = encodeUnreserved(raw.value());
        if (rule == SigV4Path::Double)
            encoded = encodeUnreserved(encoded);
        out += '/' + encoded;
    }
    return out;
}

core::Result<QByteArray> sigv4CanonicalQuery(QByteArrayView query)
{
    auto pairs = decodePairs(query, false);
    if (!pairs)
        return pairs.error();
    return encodeSortJoin(pairs.value());
}

core::Result<SigV4Signature> signSigV4(const SigV4Key &key, const SigV4Request &request,
                                       const QDateTime &at, SigV4Path rule)
{
    auto url = splitUrl(request.url);
    if (!url)
        return url.error();
    auto uri = sigv4CanonicalUri(url->path, rule);
    if (!uri)
        return uri.error();
    auto query = sigv4CanonicalQuery(url->query);
    if (!query)
        return query.error();

    const QDateTime utc = at.toTimeZone(QTimeZone::utc());
    const QByteArray amzDate = utc.toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toLatin1();
    const QByteArray day = amzDate.first(8);

    SigV4Signature out;
    QList<Param> headers = request.headers;
    if (!hasHeader(headers, "host")) {
        const int defaultPort = url->scheme == "https" ? 443 : 80;
        QByteArray host = url->host;
        if (url->port > 0 && url->port != defaultPort)
            host += ':' + QByteArray::number(url->port);
        headers.append(Param{ "host", host });
    }
    out.addHeaders.append(Param{ "X-Amz-Date", amzDate });
    if (!key.sessionToken.isEmpty())
        out.addHeaders.append(Param{ "X-Amz-Security-Token", key.sessionToken });
    if (request.contentSha256Header)
        out.addHeaders.append(Param{ "X-Amz-Content-Sha256", request.payloadHash });
    headers += out.addHeaders;
    auto canonical = canonicalHeaders(headers);
    if (!canonical)
        return canonical.error();

    out.canonicalRequest = request.method.toUpper() + '\n' + uri.value() + '\n' + query.value()
            + '\n' + canonical->block + '\n' + canonical->signedNames + '\n' + request.payloadHash;
    const QByteArray scope = day + '/' + key.region + '/' + key.service + "/aws4_request";
    out.stringToSign =
            "AWS4-HMAC-SHA256\n" + amzDate + '\n' + scope + '\n' + hexSha256(out.canonicalRequest);

    QByteArray signingKey = crypto::hmacSha256(QByteArray(QByteArray("AWS4") + key.secretKey), day);
    signingKey = crypto::hmacSha256(signingKey, key.region);
    signingKey = crypto::hmacSha256(signingKey, key.service);
    signingKey = crypto::hmacSha256(signingKey, "aws4_request");
    const QByteArray mac = crypto::hmacSha256(signingKey, out.stringToSign);
    signingKey.fill('\0');
    if (mac.isEmpty())
        return core::Error(core::ErrorCode::Internal, QStringLiteral("Signing failed."));
    out.signature = mac.toHex();
    out.addHeaders.prepend(Param{ "Authorization",
                                  "AWS4-HMAC-SHA256 Credential=" + key.accessKeyId + '/' + scope
                                          + ", SignedHeaders=" + canonical->signedNames
                                          + ", Signature=" + out.signature });
    return out;
}

} // namespace tap::signing
