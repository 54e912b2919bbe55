#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace tap::channels {

// The Matrix client-server API v3 (https://spec.matrix.org/v1.9/client-server-api/): JSON over
// HTTP to the homeserver with the access token in an Authorization header (never in a URL or
// an error). Used by the approval bot and the channel tester. Lives in the thread that created
// it; deleting it drops the replies in flight without calling their callbacks.
class MatrixClient : public QObject
{
    Q_OBJECT
public:
    // `httpStatus` is 0 when the homeserver was not reached. Error texts name the API area
    // (e.g. "/_matrix/client/v3/rooms"), never room or event ids.
    using Done = std::function<void(core::Result<QJsonObject> result, int httpStatus)>;

    explicit MatrixClient(QUrl homeserver, QObject *parent = nullptr);

    // `path` starts with "/_matrix/"; its ids already percent-encoded (pathPart()).
    QNetworkReply *call(const QByteArray &accessToken, const QByteArray &verb, const QString &path,
                        const QUrlQuery &query, const QJsonObject &body, int timeoutMs, Done done);
    // PUT /rooms/{roomId}/send/m.room.message/{txnId}: the transaction id makes a retry
    // idempotent on the homeserver. The answer holds "event_id".
    QNetworkReply *sendMessage(const QByteArray &accessToken, const QString &roomId,
                               const QString &txnId, const QJsonObject &content, int timeoutMs,
                               Done done);
    // GET /rooms/{roomId}/joined_members: {"joined": {"@user:server": {…}, …}}.
    QNetworkReply *joinedMembers(const QByteArray &accessToken, const QString &roomId,
                                 int timeoutMs, Done done);

    static QString pathPart(const QString &s);

private:
    QUrl m_homeserver;
    QNetworkAccessManager *m_network;
};

} // namespace tap::channels
