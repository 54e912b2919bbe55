#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace tap::placeholders {

// String tokens of JSON text (RFC 8259 §7), for rewriting strings in place without
// re-serialising the document. The input must already have passed a JSON parser.

// The decoded content (UTF-8) of the text between a string token's quotes. Escapes become
// characters; a lone surrogate (which no valid text contains) is replaced.
QByteArray decodeJsonString(QByteArrayView raw);

// A complete string token (with quotes) for UTF-8 text: '"', '\\' and control characters are
// escaped, everything else is kept as it is.
QByteArray encodeJsonString(QByteArrayView utf8);

// RFC 3629 §4: well-formed UTF-8, without overlong forms or surrogates.
bool isValidUtf8(QByteArrayView bytes);

// The index of the quote that closes the string token opened at `open`.
qsizetype jsonStringEnd(QByteArrayView json, qsizetype open);

} // namespace tap::placeholders
