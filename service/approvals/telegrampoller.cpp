#include "approvals/telegrampoller.h"

#include "channels/telegramclient.h"
#include "core/logging.h"

#include <QJsonArray>
#include <QNetworkReply>

namespace tap::approvals {

using core::Result;

namespace {
constexpr int kMaxBackoffMs = 60000;
}

TelegramPoller::TelegramPoller(store::Database &db, channels::TelegramClient &client,
                               QByteArray token, QString label, const Settings &settings,
                               UpdateHandler onUpdate, QObject *parent)
    : QObject(parent),
      m_client(client),
      m_token(std::move(token)),
      m_label(std::move(label)),
      m_settings(settings),
      m_onUpdate(std::move(onUpdate)),
      m_retry(new QTimer(this)),
      // One process polls a bot at a time.
      m_lease(new JobLease(db, JobLease::nameFor(QStringLiteral("telegram-getupdates"), m_token),
                           settings.instanceId, settings.leaseTtlMs, this))
{
    m_retry->setSingleShot(true);
    connect(m_retry, &QTimer::timeout, this, &TelegramPoller::poll);
    connect(m_lease, &JobLease::acquired, this, [this] {
        m_failures = 0;
        poll();
    });
    connect(m_lease, &JobLease::lost, this, [this] { // another process polls now
        m_retry->stop();
        if (m_reply)
            m_reply->abort();
    });
}

TelegramPoller::~TelegramPoller()
{
    // The poll's callback must find nothing to do: it runs inside abort(). The lease (a child)
    // is released afterwards, so no poll of ours overlaps another process's.
    m_stopped = true;
    if (m_reply)
        m_reply->abort();
}

void TelegramPoller::start()
{
    m_lease->start();
}

void TelegramPoller::stop()
{
    m_stopped = true;
    m_retry->stop();
    if (m_reply) // first, so that no poll runs once the lease is released
        m_reply->abort();
    m_lease->stop();
}

void TelegramPoller::poll()
{
    if (m_stopped || !m_lease->held() || m_reply)
        return;
    // Link codes arrive as messages ("/start <code>"), decisions as callback queries.
    const QJsonObject params{ { QStringLiteral("offset"), m_offset },
                              { QStringLiteral("timeout"), m_settings.pollTimeoutS },
                              { QStringLiteral("allowed_updates"),
                                QJsonArray{ QStringLiteral("callback_query"),
                                            QStringLiteral("message") } } };
    m_reply = m_client.call(m_token, QStringLiteral("getUpdates"), params,
                            m_settings.pollTimeoutS * 1000 + m_settings.requestTimeoutMs,
                            [self = QPointer(this)](Result<QJsonValue> r, int) {
                                if (!self || self->m_stopped)
                                    return;
                                self->m_reply = nullptr;
                                if (!self->m_lease->held())
                                    return; // the lease went to another process: it polls now
                                if (!r)
                                    return self->failed(r.error().message());
                                self->m_failures = 0;
                                for (const QJsonValue &u : r.value().toArray()) {
                                    const QJsonObject update = u.toObject();
                                    const qint64 id = qint64(
                                            update.value(QStringLiteral("update_id")).toDouble());
                                    // getUpdates: an offset one past an update confirms it (it is not sent again).
                                    self->m_offset = qMax(self->m_offset, id + 1);
                                    self->m_onUpdate(self->m_token, update);
                                    if (!self)
                                        return;
                                }
                                self->m_retry->start(0);
                            });
}

// Backoff: 1 s, 2 s, 4 s … up to a minute; logged once per streak and then at every tenth
// failure.
void TelegramPoller::failed(const QString &error)
{
    const int delay = qMin(kMaxBackoffMs, 1000 << qMin(m_failures, 6));
    if (m_failures % 10 == 0)
        core::logEvent(core::lcApp(), QtWarningMsg, QStringLiteral("telegram polling failed"),
                       { { QStringLiteral("bot"), m_label },
                         { QStringLiteral("error"), error },
                         { QStringLiteral("retry_ms"), delay } });
    ++m_failures;
    m_retry->start(delay);
}

} // namespace tap::approvals
