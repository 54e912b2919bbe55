#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace tap::core {

// Unpadded base64url (RFC 4648 §5), as WebAuthn uses for challenges and credential ids.
QByteArray base64UrlEncode(const QByteArray &data);
// Strict: only the base64url alphabet, no padding, no whitespace, and the unused low bits of the
// last character must be zero (so that every byte string has exactly one encoding).
std::optional<QByteArray> base64UrlDecode(const QString &text);

} // namespace tap::core
