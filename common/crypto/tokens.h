#pragma once

#include "core/random.h"

#include <QString>

namespace tap::crypto {

// Bearer tokens: a fixed prefix and 256 random bits in unpadded base64url.
// Agent API keys start with "tap_", session tokens with "taps_" (README "Security design").
enum class TokenKind { AgentKey, Session, Invite };

QString newToken(TokenKind kind, core::Random &random);
bool hasTokenShape(TokenKind kind, QStringView token);

// A 6-digit numeric code (email verification), uniform over 000000–999999.
QString newNumericCode(core::Random &random);

} // namespace tap::crypto
