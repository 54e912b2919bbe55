#include "core/error.h"

namespace tap::core {

QString errorName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidRequest:
        return QStringLiteral("invalid_request");
    case ErrorCode::Unauthorized:
        return QStringLiteral("unauthorized");
    case ErrorCode::Forbidden:
        return QStringLiteral("forbidden");
    case ErrorCode::NotFound:
        return QStringLiteral("not_found");
    case ErrorCode::MethodNotAllowed:
        return QStringLiteral("method_not_allowed");
    case ErrorCode::Conflict:
        return QStringLiteral("conflict");
    case ErrorCode::RateLimited:
        return QStringLiteral("rate_limited");
    case ErrorCode::PayloadTooLarge:
        return QStringLiteral("payload_too_large");
    case ErrorCode::HeadersTooLarge:
        return QStringLiteral("headers_too_large");
    case ErrorCode::RequestTimeout:
        return QStringLiteral("request_timeout");
    case ErrorCode::ExpectationFailed:
        return QStringLiteral("expectation_failed");
    case ErrorCode::NotImplemented:
        return QStringLiteral("not_implemented");
    case ErrorCode::VersionNotSupported:
        return QStringLiteral("http_version_not_supported");
    case ErrorCode::CredentialNotAllowed:
        return QStringLiteral("credential_not_allowed");
    case ErrorCode::TeamNotLinked:
        return QStringLiteral("team_not_linked");
    case ErrorCode::TargetNotAllowed:
        return QStringLiteral("target_not_allowed");
    case ErrorCode::PlaceholderNotAllowed:
        return QStringLiteral("placeholder_not_allowed");
    case ErrorCode::UnknownTapHeader:
        return QStringLiteral("unknown_tap_header");
    case ErrorCode::UpstreamError:
        return QStringLiteral("upstream_error");
    case ErrorCode::UpstreamTimeout:
        return QStringLiteral("upstream_timeout");
    case ErrorCode::ApprovalDenied:
        return QStringLiteral("approval_denied");
    case ErrorCode::ApprovalExpired:
        return QStringLiteral("approval_expired");
    case ErrorCode::PasskeyRequired:
        return QStringLiteral("passkey_required");
    case ErrorCode::ReauthRequired:
        return QStringLiteral("reauth_required");
    case ErrorCode::Unavailable:
        return QStringLiteral("unavailable");
    case ErrorCode::Internal:
        return QStringLiteral("internal_error");
    }
    Q_UNREACHABLE();
}

} // namespace tap::core
