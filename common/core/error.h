#pragma once

#include <QString>

namespace tap::core {

// The closed set of error codes that TAP reports. The wire names live in errorName(); the
// HTTP status for each lives in exactly one switch in api/errors.cpp. Adding a code makes the
// compiler point at both places.
enum class ErrorCode {
    InvalidRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    RateLimited,
    PayloadTooLarge,
    HeadersTooLarge,
    RequestTimeout,
    ExpectationFailed,
    NotImplemented,
    VersionNotSupported,
    CredentialNotAllowed,
    TeamNotLinked,
    TargetNotAllowed,
    PlaceholderNotAllowed,
    UnknownTapHeader,
    UpstreamError,
    UpstreamTimeout,
    ApprovalDenied,
    ApprovalExpired,
    PasskeyRequired,
    ReauthRequired,
    Unavailable,
    Internal,
};

// snake_case name used on the wire ("invalid_request", ...).
QString errorName(ErrorCode code);

// An error that can be shown to the caller: the message is a plain sentence and must never
// contain a secret. Details for operators go to the log, not here.
class Error
{
public:
    Error(ErrorCode code, QString message) : m_code(code), m_message(std::move(message)) { }

    ErrorCode code() const { return m_code; }
    const QString &message() const { return m_message; }
    int retryAfterSeconds() const { return m_retryAfter; }
    // The request field an InvalidRequest error is about (wire key), empty when none; not
    // sent on the wire, so a client can show its own text for it.
    const QString &field() const { return m_field; }
    Error &setField(QString field)
    {
        m_field = std::move(field);
        return *this;
    }
    Error &setRetryAfterSeconds(int seconds)
    {
        m_retryAfter = seconds;
        return *this;
    }
    // A more specific wire code than errorName(code()) (e.g. "<credential>_reauth_required");
    // the HTTP status stays the code's.
    const QString &wireCode() const { return m_wireCode; }
    Error &setWireCode(QString wireCode)
    {
        m_wireCode = std::move(wireCode);
        return *this;
    }

private:
    ErrorCode m_code;
    QString m_message;
    int m_retryAfter = 0;
    QString m_field;
    QString m_wireCode;
};

} // namespace tap::core
