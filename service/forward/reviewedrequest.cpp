#include "forward/reviewedrequest.h"

#include "crypto/keyring.h"
#include "store/vault.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tap::forward {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

QByteArray requestAad(const store::ApprovalRow &row)
{
    return crypto::KeyRing::rowAad("tap:approval-request:v1", row.teamId, row.id);
}

Error damaged()
{
    return Error(ErrorCode::Internal, QStringLiteral("The stored request is damaged."));
}

Result<ReviewedRequest> fromJson(const QJsonObject &o)
{
    ReviewedRequest r;
    r.method = o.value(QStringLiteral("method")).toString().toLatin1();
    r.target = o.value(QStringLiteral("target")).toString();
    r.teamHeader = o.value(QStringLiteral("team")).toString();
    r.credentialHeader = o.value(QStringLiteral("credential")).toString();
    const auto body =
            QByteArray::fromBase64Encoding(o.value(QStringLiteral("body")).toString().toLatin1(),
                                           QByteArray::AbortOnBase64DecodingErrors);
    if (!body)
        return damaged();
    r.body = body.decoded;
    const QJsonArray headers = o.value(QStringLiteral("headers")).toArray();
    for (const QJsonValue &h : headers) {
        const QJsonArray pair = h.toArray();
        if (pair.size() != 2)
            return damaged();
        r.headers.append({ pair.at(0).toString().toLatin1(), pair.at(1).toString().toUtf8() });
    }
    return r;
}

} // namespace

Result<QByteArray> sealReviewedRequest(store::Vault &vault, const store::ApprovalRow &row,
                                       const ReviewedRequest &request)
{
    QJsonArray headers;
    for (const auto &[name, value] : std::as_const(request.headers))
        headers.append(QJsonArray{ QString::fromLatin1(name), QString::fromUtf8(value) });
    const QJsonObject reviewed{ { QStringLiteral("method"), QString::fromLatin1(request.method) },
                                { QStringLiteral("target"), request.target },
                                { QStringLiteral("team"), request.teamHeader },
                                { QStringLiteral("credential"), request.credentialHeader },
                                { QStringLiteral("headers"), headers },
                                { QStringLiteral("body"),
                                  QString::fromLatin1(request.body.toBase64()) } };
    return vault.seal(row.teamId, requestAad(row),
                      core::SecretBytes(QJsonDocument(reviewed).toJson(QJsonDocument::Compact)));
}

Result<ReviewedRequest> openReviewedRequest(store::Vault &vault, const store::ApprovalRow &row)
{
    auto opened = vault.open(row.teamId, requestAad(row), row.sealedRequest);
    if (!opened)
        return opened.error();
    return fromJson(QJsonDocument::fromJson(opened->view().toByteArray()).object());
}

QByteArray approvalResponseAad(const store::ApprovalRow &row)
{
    return crypto::KeyRing::rowAad("tap:approval-response:v1", row.teamId, row.id);
}

} // namespace tap::forward
