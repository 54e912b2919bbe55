#include "signing/requestparts.h"

#include <algorithm>

namespace tap::signing {

namespace {

core::Error invalid(const QString &message)
{
    return core::Error(core::ErrorCode::InvalidRequest, message);
}

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
            || c == '.' || c == '_' || c == '~';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

core::Result<UrlParts> splitUrl(QByteArrayView url)
{
    const qsizetype schemeEnd = url.indexOf("://");
    if (schemeEnd <= 0)
        return invalid(QStringLiteral("The URL to sign is not absolute."));
    UrlParts parts;
    parts.scheme = url.first(schemeEnd).toByteArray().toLower();
    if (parts.scheme != "http" && parts.scheme != "https")
        return invalid(QStringLiteral("Only http and https URLs can be signed."));
    if (url.contains('#'))
        return invalid(QStringLiteral("A URL to sign has no fragment."));
    QByteArrayView rest = url.sliced(schemeEnd + 3);
    qsizetype authorityEnd = 0;
    while (authorityEnd < rest.size() && rest[authorityEnd] != '/' && rest[authorityEnd] != '?')
        ++authorityEnd;
    const QByteArrayView authority = rest.first(authorityEnd);
    rest = rest.sliced(authorityEnd);
    if (authority.contains('@'))
        return invalid(QStringLiteral("A URL to sign has no user information."));
    const qsizetype bracket = authority.lastIndexOf(']');
    const qsizetype colon = authority.lastIndexOf(':');
    QByteArrayView host = authority;
    if (colon >= 0 && colon > bracket) {
        bool ok = false;
        const QByteArrayView portText = authority.sliced(colon + 1);
        const int port = portText.toInt(&ok);
        if (!ok || port <= 0 || port > 65535 || portText.startsWith('+'))
            return invalid(QStringLiteral("The URL to sign has a bad port."));
        parts.port = port;
        host = authority.first(colon);
    }
    if (host.isEmpty())
        return invalid(QStringLiteral("The URL to sign has no host."));
    parts.host = host.toByteArray().toLower();
    const qsizetype question = rest.indexOf('?');
    parts.path = (question < 0 ? rest : rest.first(question)).toByteArray();
    if (question >= 0)
        parts.query = rest.sliced(question + 1).toByteArray();
    if (parts.path.isEmpty())
        parts.path = "/";
    return parts;
}

QByteArray encodeUnreserved(QByteArrayView raw)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(raw.size() * 3);
    for (const char c : raw) {
        if (isUnreserved(c)) {
            out.append(c);
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out.append('%').append(hex[byte >> 4]).append(hex[byte & 0xF]);
        }
    }
    return out;
}

core::Result<QByteArray> percentDecode(QByteArrayView text, bool plusIsSpace)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            const int hi = i + 2 < text.size() ? hexValue(text[i + 1]) : -1;
            const int lo = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return invalid(QStringLiteral("A malformed percent-encoding cannot be signed."));
            out.append(char(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plusIsSpace) {
            out.append(' ');
        } else {
            out.append(c);
        }
    }
    return out;
}

core::Result<QList<Param>> decodePairs(QByteArrayView text, bool plusIsSpace)
{
    QList<Param> pairs;
    qsizetype start = 0;
    while (start <= text.size()) {
        qsizetype end = text.indexOf('&', start);
        if (end < 0)
            end = text.size();
        const QByteArrayView piece = text.sliced(start, end - start);
        start = end + 1;
        if (piece.isEmpty())
            continue;
        const qsizetype equals = piece.indexOf('=');
        auto name = percentDecode(equals < 0 ? piece : piece.first(equals), plusIsSpace);
        auto value = percentDecode(equals < 0 ? QByteArrayView() : piece.sliced(equals + 1),
                                   plusIsSpace);
        if (!name)
            return name.error();
        if (!value)
            return value.error();
        pairs.append(Param{ std::move(name).value(), std::move(value).value() });
    }
    return pairs;
}

QByteArray encodeSortJoin(const QList<Param> &params)
{
    QList<Param> encoded;
    encoded.reserve(params.size());
    for (const Param &p : params)
        encoded.append(Param{ encodeUnreserved(p.name), encodeUnreserved(p.value) });
    std::sort(encoded.begin(), encoded.end(), [](const Param &a, const Param &b) {
        return a.name != b.name ? a.name < b.name : a.value < b.value;
    });
    QByteArray out;
    for (const Param &p : encoded) {
        if (!out.isEmpty())
            out += '&';
        out += p.name + '=' + p.value;
    }
    return out;
}

} // namespace tap::signing
