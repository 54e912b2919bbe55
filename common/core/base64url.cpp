#include "core/base64url.h"

namespace tap::core {

QByteArray base64UrlEncode(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

std::optional<QByteArray> base64UrlDecode(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool valid = (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z')
                || (u >= u'0' && u <= u'9') || u == u'-' || u == u'_';
        if (!valid)
            return std::nullopt;
    }
    const QByteArray ascii = text.toLatin1();
    const auto result = QByteArray::fromBase64Encoding(
            ascii, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    // Re-encoding catches a dangling character (length % 4 == 1) and non-zero unused bits.
    if (!result || base64UrlEncode(result.decoded) != ascii)
        return std::nullopt;
    return result.decoded;
}

} // namespace tap::core
