#include "sanitizer/views.h"

#include "core/secretbytes.h"

namespace tap::sanitizer {

namespace {

// Below this length the base64 "cores" (see base64Core) get short enough to hit innocent
// base64 text; the full encodings are still matched.
constexpr qsizetype MinLengthForBase64Cores = 6;
// Below this length the hexadecimal form (8 digits) would hit innocent hex text.
constexpr qsizetype MinLengthForHex = 4;

// The characters of base64(prefix ‖ value) that depend on `value` alone, where the prefix is
// `offset` bytes: what a secret looks like inside a longer base64 run, e.g. the password in
// base64("user:password") of an echoed Basic Authorization header (RFC 7617 §2).
QByteArray base64Core(QByteArrayView value, int offset, QByteArray::Base64Options options)
{
    QByteArray input(offset, '\0');
    input.append(value);
    QByteArray encoded = input.toBase64(options | QByteArray::OmitTrailingEquals);
    const qsizetype first = (8 * offset + 5) / 6; // first character with no prefix bits
    const qsizetype last = 8 * (offset + value.size()) / 6; // characters with no following bits
    QByteArray core = encoded.mid(first, last - first);
    core::wipe(input);
    core::wipe(encoded);
    return core;
}

QList<QByteArray> joinedPatterns(QByteArrayView value)
{
    using Opt = QByteArray::Base64Option;
    QByteArray raw = value.toByteArray();
    QList<QByteArray> patterns;
    for (const auto alphabet : { Opt::Base64Encoding, Opt::Base64UrlEncoding }) {
        patterns.append(raw.toBase64(alphabet));
        patterns.append(raw.toBase64(alphabet | Opt::OmitTrailingEquals));
        if (value.size() >= MinLengthForBase64Cores) {
            for (int offset = 0; offset < 3; ++offset)
                patterns.append(base64Core(value, offset, alphabet));
        }
    }
    if (value.size() >= MinLengthForHex) {
        QByteArray hex = raw.toHex();
        patterns.append(hex.toUpper());
        patterns.append(std::move(hex));
    }
    core::wipe(raw);
    return patterns;
}

} // namespace

QList<QByteArray> patternsFor(View view, QByteArrayView value)
{
    switch (view) {
    case View::Raw:
    case View::Json:
        return { value.toByteArray() };
    case View::Percent: {
        QByteArray folded = value.toByteArray();
        for (char &c : folded)
            c = char(detail::foldPlus(uchar(c)));
        return { folded };
    }
    case View::Joined:
        return joinedPatterns(value);
    }
    return {};
}

qsizetype sourceSpan(View view, qsizetype length)
{
    switch (view) {
    case View::Raw:
        return length + 1;
    case View::Percent: // "%XX" per symbol, and a held "%X"
    case View::Joined: // up to two left-out line breaks before each symbol
        return 3 * length + 3;
    case View::Json: // "\u00XX" per symbol, 12 bytes for a surrogate pair; a held "\uD83D\uDD1"
        return 12 * length + 16;
    }
    return length + 1;
}

} // namespace tap::sanitizer
