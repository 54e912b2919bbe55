#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace tap::channels {

// The Telegram Bot API (https://core.telegram.org/bots/api) over HTTP: every method is a POST
// of JSON parameters to <apiBase>/bot<token>/<method>, answered {"ok": true, "result": …} or
// {"ok": false, "description": …}. Used by the approval bot and the channel tester.
//
// The token is part of every URL, so no URL and no Qt network error text (which quotes the
// URL) appears in an error. Lives in the thread that created it; deleting it drops the replies
// in flight without calling their callbacks.
class TelegramClient : public QObject
{
    Q_OBJECT
public:
    // `httpStatus` is 0 when Telegram was not reached.
    using Done = std::function<void(core::Result<QJsonValue> result, int httpStatus)>;

    explicit TelegramClient(QUrl apiBase, QObject *parent = nullptr);

    // The reply in flight (for abort()); `done` runs once unless the client is deleted first.
    QNetworkReply *call(const QByteArray &token, const QString &method, const QJsonObject &params,
                        int timeoutMs, Done done);

private:
    QUrl m_apiBase;
    QNetworkAccessManager *m_network;
};

} // namespace tap::channels
