#include "api/errors.h"

#include <QJsonDocument>

namespace tap::api {

using core::ErrorCode;

int httpStatus(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidRequest:
    case ErrorCode::PlaceholderNotAllowed:
    case ErrorCode::UnknownTapHeader:
        return 400;
    case ErrorCode::Unauthorized:
        return 401;
    case ErrorCode::Forbidden:
    case ErrorCode::CredentialNotAllowed:
    case ErrorCode::TeamNotLinked:
    case ErrorCode::TargetNotAllowed:
    case ErrorCode::ApprovalDenied:
    case ErrorCode::PasskeyRequired:
    case ErrorCode::ReauthRequired:
        return 403;
    case ErrorCode::NotFound:
        return 404;
    case ErrorCode::MethodNotAllowed:
        return 405;
    case ErrorCode::RequestTimeout:
        return 408;
    case ErrorCode::Conflict:
        return 409;
    case ErrorCode::ApprovalExpired:
        return 410;
    case ErrorCode::PayloadTooLarge:
        return 413;
    case ErrorCode::ExpectationFailed:
        return 417;
    case ErrorCode::RateLimited:
        return 429;
    case ErrorCode::HeadersTooLarge:
        return 431;
    case ErrorCode::Internal:
        return 500;
    case ErrorCode::NotImplemented:
        return 501;
    case ErrorCode::UpstreamError:
        return 502;
    case ErrorCode::Unavailable:
        return 503;
    case ErrorCode::UpstreamTimeout:
        return 504;
    case ErrorCode::VersionNotSupported:
        return 505;
    }
    Q_UNREACHABLE();
}

QJsonObject errorObject(const core::Error &error)
{
    QJsonObject inner;
    inner.insert(QStringLiteral("code"),
                 error.wireCode().isEmpty() ? core::errorName(error.code()) : error.wireCode());
    inner.insert(QStringLiteral("message"), error.message());
    return QJsonObject{ { QStringLiteral("error"), inner } };
}

QByteArray errorBody(const core::Error &error)
{
    return QJsonDocument(errorObject(error)).toJson(QJsonDocument::Compact);
}

WireError parseErrorBody(const QByteArray &body)
{
    const QJsonObject inner =
            QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    return { inner.value(QStringLiteral("code")).toString(),
             inner.value(QStringLiteral("message")).toString() };
}

} // namespace tap::api
