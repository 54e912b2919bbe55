#include "placeholders/jsontext.h"

#include <QString>

#include <algorithm>

namespace tap::placeholders {

namespace {

void appendUtf16(QByteArray &out, const char16_t *units, qsizetype count)
{
    out.append(QString::fromUtf16(units, count).toUtf8());
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

char16_t readUnit(QByteArrayView raw, qsizetype at) // the XXXX of \uXXXX at raw[at]
{
    char16_t unit = 0;
    for (qsizetype k = 0; k < 4 && at + k < raw.size(); ++k)
        unit = char16_t(unit * 16 + std::max(hexValue(raw[at + k]), 0));
    return unit;
}

} // namespace

QByteArray decodeJsonString(QByteArrayView raw)
{
    if (!raw.contains('\\'))
        return raw.toByteArray();
    QByteArray out;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\' || i + 1 >= raw.size()) {
            out.append(raw[i]);
            continue;
        }
        const char e = raw[++i];
        switch (e) {
        case 'b':
            out.append('\b');
            break;
        case 'f':
            out.append('\f');
            break;
        case 'n':
            out.append('\n');
            break;
        case 'r':
            out.append('\r');
            break;
        case 't':
            out.append('\t');
            break;
        case 'u': {
            // RFC 8259 §7: characters outside the BMP are written as a surrogate pair.
            char16_t units[2] = { readUnit(raw, i + 1), 0 };
            i += 4;
            qsizetype count = 1;
            if (QChar::isHighSurrogate(units[0]) && i + 6 < raw.size() && raw[i + 1] == '\\'
                && raw[i + 2] == 'u') {
                units[1] = readUnit(raw, i + 3);
                if (QChar::isLowSurrogate(units[1])) {
                    count = 2;
                    i += 6;
                }
            }
            appendUtf16(out, units, count);
            break;
        }
        default:
            out.append(e); // '"', '\\', '/'
        }
    }
    return out;
}

QByteArray encodeJsonString(QByteArrayView utf8)
{
    static constexpr char Hex[] = "0123456789abcdef";
    QByteArray out("\"");
    for (const char ch : utf8) {
        const auto c = uchar(ch);
        const qsizetype shortForm = QByteArrayView("\"\\\b\f\n\r\t").indexOf(ch);
        if (shortForm >= 0)
            out.append('\\').append("\"\\bfnrt"[shortForm]);
        else if (c < 0x20)
            out.append("\\u00").append(Hex[c >> 4]).append(Hex[c & 0xf]);
        else
            out.append(ch);
    }
    return out.append('"');
}

bool isValidUtf8(QByteArrayView bytes)
{
    for (qsizetype i = 0; i < bytes.size();) {
        const auto c = uchar(bytes[i]);
        const int extra = c < 0x80 ? 0
                : (c >> 5) == 0x6  ? 1
                : (c >> 4) == 0xe  ? 2
                : (c >> 3) == 0x1e ? 3
                                   : -1;
        if (extra < 0 || i + extra >= bytes.size())
            return false;
        char32_t cp = extra == 0 ? c : c & (0x3f >> extra);
        for (int k = 1; k <= extra; ++k) {
            const auto cont = uchar(bytes[i + k]);
            if ((cont & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (cont & 0x3f);
        }
        static constexpr char32_t MinForLength[] = { 0, 0x80, 0x800, 0x10000 };
        if (cp < MinForLength[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += extra + 1;
    }
    return true;
}

qsizetype jsonStringEnd(QByteArrayView json, qsizetype open)
{
    qsizetype i = open + 1;
    while (i < json.size() && json[i] != '"')
        i += json[i] == '\\' ? 2 : 1;
    return std::min(i, json.size() - 1);
}

} // namespace tap::placeholders
