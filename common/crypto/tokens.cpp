#include "crypto/tokens.h"

namespace tap::crypto {

namespace {

QString prefix(TokenKind kind)
{
    switch (kind) {
    case TokenKind::AgentKey:
        return QStringLiteral("tap_");
    case TokenKind::Session:
        return QStringLiteral("taps_");
    case TokenKind::Invite:
        return QStringLiteral("tapi_");
    }
    Q_UNREACHABLE();
}

constexpr int kTokenBodyLength = 43; // base64url of 32 bytes without padding

} // namespace

QString newToken(TokenKind kind, core::Random &random)
{
    const QByteArray body = random.bytes(32).toBase64(QByteArray::Base64UrlEncoding
                                                      | QByteArray::OmitTrailingEquals);
    return prefix(kind) + QString::fromLatin1(body);
}

bool hasTokenShape(TokenKind kind, QStringView token)
{
    const QString p = prefix(kind);
    if (!token.startsWith(p) || token.size() != p.size() + kTokenBodyLength)
        return false;
    for (QChar c : token.mid(p.size())) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'-' && c != u'_')
            return false;
    }
    return true;
}

QString newNumericCode(core::Random &random)
{
    // Rejection sampling keeps the distribution uniform.
    for (;;) {
        const QByteArray b = random.bytes(4);
        const quint32 v = (quint32(quint8(b[0])) << 24) | (quint32(quint8(b[1])) << 16)
                | (quint32(quint8(b[2])) << 8) | quint32(quint8(b[3]));
        if (v < 4294000000u) // largest multiple of 1,000,000 below 2^32
            return QStringLiteral("%1").arg(v % 1000000u, 6, 10, QLatin1Char('0'));
    }
}

} // namespace tap::crypto
