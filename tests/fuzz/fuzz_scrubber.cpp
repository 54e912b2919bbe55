// Differential fuzzing of the streaming Scrubber (common/domain/sanitizer) against a naive
// reference: the input is a secret and a small program that writes a text mixing random bytes
// with encodings of the secret (exact, percent-encoded subsets, \u-escaped subsets, wrapped
// base64 at any offset, hex, fragments, escape debris). The text is scrubbed one-shot and in
// random chunks. Checked:
//   - both give the same output (chunk boundaries never matter);
//   - no stretch of the output between two markers holds the secret in any form the Scrubber
//     claims to cover, decoded with independent, non-streaming decoders;
//   - a text that holds no such form passes byte for byte.
#include "sanitizer/scrubber.h"

#include <QByteArray>
#include <QString>

#include <cstdio>
#include <cstdlib>

using tap::sanitizer::Scrubber;
using tap::sanitizer::Secret;

namespace {

const QByteArray kMarker = QByteArrayLiteral("[REDACTED:k]");

[[noreturn]] void fail(const char *what, const QByteArray &secret, const QByteArray &text,
                       const QByteArray &out)
{
    fprintf(stderr, "scrubber: %s\n  secret %s\n  text   %s\n  out    %s\n", what,
            secret.toHex().constData(), text.toHex().constData(), out.toHex().constData());
    abort();
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

// ---- the reference: whole-text decoders --------------------------------------------------

QByteArray percentDecoded(QByteArrayView text)
{
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0
            && hexValue(text[i + 2]) >= 0) {
            out += char(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out.replace('+', ' ');
}

int unitAt(QByteArrayView text, qsizetype i) // the unit of "\uXXXX" at i, else -1
{
    if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u')
        return -1;
    int unit = 0;
    for (qsizetype k = i + 2; k < i + 6; ++k) {
        if (hexValue(text[k]) < 0)
            return -1;
        unit = unit * 16 + hexValue(text[k]);
    }
    return unit;
}

void appendUtf8(QByteArray &out, uint point) // generalized: lone surrogates as 3 bytes
{
    if (point < 0x80) {
        out += char(point);
    } else if (point < 0x800) {
        out += char(0xc0 | (point >> 6));
        out += char(0x80 | (point & 0x3f));
    } else if (point < 0x10000) {
        out += char(0xe0 | (point >> 12));
        out += char(0x80 | ((point >> 6) & 0x3f));
        out += char(0x80 | (point & 0x3f));
    } else {
        out += char(0xf0 | (point >> 18));
        out += char(0x80 | ((point >> 12) & 0x3f));
        out += char(0x80 | ((point >> 6) & 0x3f));
        out += char(0x80 | (point & 0x3f));
    }
}

QByteArray jsonDecoded(QByteArrayView text)
{
    static const QByteArray names = "\"\\/bfnrt";
    static const QByteArray values = "\"\\/\b\f\n\r\t";
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const int unit = unitAt(text, i);
        const int low = unit >= 0xd800 && unit < 0xdc00 ? unitAt(text, i + 6) : -1;
        if (low >= 0xdc00 && low < 0xe000) {
            appendUtf8(out, 0x10000 + ((uint(unit) - 0xd800) << 10) + (uint(low) - 0xdc00));
            i += 11;
        } else if (unit >= 0) {
            appendUtf8(out, uint(unit));
            i += 5;
        } else if (text[i] == '\\' && i + 1 < text.size() && names.contains(text[i + 1])) {
            out += values.at(names.indexOf(text[i + 1]));
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

// Runs of one or two CR/LF bytes left out; a longer run stays (as one LF).
QByteArray joined(QByteArrayView text)
{
    QByteArray out;
    for (qsizetype i = 0; i < text.size();) {
        qsizetype run = 0;
        while (i + run < text.size() && (text[i + run] == '\r' || text[i + run] == '\n'))
            ++run;
        if (run > 2)
            out += '\n';
        else if (run == 0)
            out += text[i];
        i += std::max<qsizetype>(run, 1);
    }
    return out;
}

QList<QByteArray> joinedForms(const QByteArray &secret)
{
    QList<QByteArray> forms;
    for (const auto alphabet : { QByteArray::Base64Encoding, QByteArray::Base64UrlEncoding }) {
        forms << secret.toBase64(alphabet)
              << secret.toBase64(alphabet | QByteArray::OmitTrailingEquals);
        for (int offset = 0; offset < 3 && secret.size() >= 6; ++offset) {
            const QByteArray run = QByteArray(QByteArray(offset, '\0') + secret)
                                           .toBase64(alphabet | QByteArray::OmitTrailingEquals);
            const qsizetype first = (8 * offset + 5) / 6;
            forms << run.mid(first, 8 * (offset + secret.size()) / 6 - first);
        }
    }
    if (secret.size() >= 4)
        forms << secret.toHex() << secret.toHex().toUpper();
    return forms;
}

// Which covered form of `secret` the text holds, or nullptr.
const char *leak(QByteArrayView text, const QByteArray &secret)
{
    if (text.contains(secret))
        return "exact";
    if (percentDecoded(text).contains(QByteArray(secret).replace('+', ' ')))
        return "percent-encoded";
    if (jsonDecoded(text).contains(secret))
        return "JSON-escaped";
    const QByteArray lines = joined(text);
    for (const QByteArray &form : joinedForms(secret)) {
        if (lines.contains(form))
            return "base64 or hex";
    }
    return nullptr;
}

// ---- the text generator ------------------------------------------------------------------

class Reader
{
public:
    Reader(const uint8_t *data, size_t size) : m_data(data), m_size(size) { }
    bool atEnd() const { return m_at >= m_size; }
    uint8_t byte() { return m_at < m_size ? m_data[m_at++] : 0; }
    QByteArray bytes(size_t n)
    {
        n = std::min(n, m_size - std::min(m_at, m_size));
        QByteArray out(reinterpret_cast<const char *>(m_data + m_at), qsizetype(n));
        m_at += n;
        return out;
    }

private:
    const uint8_t *m_data;
    size_t m_size;
    size_t m_at = 0;
};

QByteArray percentSome(const QByteArray &secret, uint8_t mask, bool upper)
{
    QByteArray out;
    for (qsizetype i = 0; i < secret.size(); ++i) {
        if (mask & (1u << (i % 8))) {
            QByteArray hex = QByteArray(1, secret[i]).toHex();
            out += '%' + (upper ? hex.toUpper() : hex);
        } else {
            out += secret[i];
        }
    }
    return out;
}

QByteArray jsonSome(const QByteArray &secret, uint8_t mask, bool upper)
{
    const QString text = QString::fromUtf8(secret);
    if (text.toUtf8() != secret) { // not UTF-8: escape some ASCII bytes only
        QByteArray out;
        for (qsizetype i = 0; i < secret.size(); ++i) {
            const auto c = uchar(secret[i]);
            if (c < 0x80 && (mask & (1u << (i % 8))))
                out += QByteArray("\\u00") + QByteArray(1, char(c)).toHex();
            else
                out += char(c);
        }
        return out;
    }
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t unit = text.at(i).unicode();
        if (mask & (1u << (i % 8))) {
            QByteArray hex = QByteArray::number(unit, 16).rightJustified(4, '0');
            out += "\\u" + (upper ? hex.toUpper() : hex);
        } else if (QChar::isHighSurrogate(unit) && i + 1 < text.size()) {
            out += text.mid(i++, 2).toUtf8();
        } else {
            out += QString(QChar(unit)).toUtf8();
        }
    }
    return out;
}

QByteArray wrappedBase64(Reader &in, const QByteArray &secret, uint8_t arg)
{
    const QByteArray data = in.bytes(arg % 4) + secret + in.bytes((arg >> 2) % 4);
    const QByteArray base64 =
            data.toBase64(arg & 0x10 ? QByteArray::Base64UrlEncoding : QByteArray::Base64Encoding);
    const int columns = in.byte() % 80;
    const QByteArray eol = arg & 0x20 ? "\r\n" : "\n";
    if (columns < 4)
        return base64;
    QByteArray out;
    const int first = in.byte() % columns; // where the first line break falls
    for (qsizetype at = 0; at < base64.size();) {
        const qsizetype length = at == 0 && first > 0 ? first : columns;
        out += base64.mid(at, length);
        at += length;
        if (at < base64.size())
            out += eol;
    }
    return out;
}

QByteArray generate(Reader &in, const QByteArray &secret)
{
    static const char *debris[] = { "%",      "%4", "\\", "\\u", "\\u00", "\\ud83d", "\r\n",
                                    "\n\n\n", "+",  " ",  "%2B", "\\\\",  "=",       "\\/" };
    QByteArray text;
    while (!in.atEnd() && text.size() < 4096) {
        const uint8_t op = in.byte();
        const uint8_t arg = in.byte();
        switch (op % 10) {
        case 0:
        case 1:
            text += in.bytes(arg % 16 + 1);
            break;
        case 2:
            text += secret;
            break;
        case 3:
            text += percentSome(secret, arg, op & 0x80);
            break;
        case 4:
            text += jsonSome(secret, arg, op & 0x80);
            break;
        case 5:
            text += wrappedBase64(in, secret, arg);
            break;
        case 6:
            text += op & 0x80 ? secret.toHex().toUpper() : secret.toHex();
            break;
        case 7:
            text += op & 0x80 ? secret.left(arg % secret.size()) : secret.mid(arg % secret.size());
            break;
        case 8:
            text += debris[arg % (sizeof(debris) / sizeof(*debris))];
            break;
        default:
            text += QByteArray(arg % 4 + 1, char(op));
            break;
        }
    }
    return text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Reader in(data, size);
    const QByteArray secret = in.bytes(in.byte() % 24 + 1);
    const uint8_t chunking = in.byte();
    if (secret.isEmpty() || secret.contains('[') || secret.contains(']'))
        return 0; // the marker could complete a secret that ends or starts with a bracket
    const QByteArray text = generate(in, secret);

    Scrubber scrubber({ Secret{ QStringLiteral("k"), tap::core::SecretBytes(secret) } });
    const QByteArray whole = scrubber.scrubAll(text);
    QByteArray streamed;
    uint32_t state = chunking * 2654435761u + 1;
    for (qsizetype at = 0; at < text.size();) {
        state = state * 1103515245u + 12345u;
        const qsizetype chunk = std::min<qsizetype>(text.size() - at, (state >> 16) % 40 + 1);
        streamed += scrubber.feed(QByteArrayView(text).sliced(at, chunk));
        at += chunk;
    }
    streamed += scrubber.finish();
    if (streamed != whole)
        fail("streamed output differs from scrubAll()", secret, text, streamed);
    for (const QByteArray &piece : whole.split(']')) {
        // Between markers: split at ']' and drop the marker's head from the end of a piece.
        const QByteArrayView stretch = piece.endsWith(kMarker.chopped(1))
                ? QByteArrayView(piece).chopped(kMarker.size() - 1)
                : QByteArrayView(piece);
        if (const char *form = leak(stretch, secret))
            fail(form, secret, text, whole);
    }
    if (!leak(text, secret) && whole != text)
        fail("a text without the secret was changed", secret, text, whole);
    return 0;
}
