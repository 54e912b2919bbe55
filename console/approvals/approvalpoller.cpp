#include "approvals/approvalpoller.h"

#include "api/keys.h"
#include "apiclient/apiclient.h"
#include "app/errortext.h"

namespace tap::console {

ApprovalPoller::ApprovalPoller(apiclient::ApiClient *api, QObject *parent)
    : QObject(parent), m_api(api)
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(5000);
    connect(&m_retry, &QTimer::timeout, this, &ApprovalPoller::poll);
}

void ApprovalPoller::start()
{
    stop();
    m_running = true;
    m_first = true;
    m_cursor.clear();
    poll();
}

void ApprovalPoller::refreshNow()
{
    if (!m_running)
        return start();
    ++m_generation; // the held long poll's answer is dropped
    m_retry.stop();
    if (m_reply)
        m_reply->abort();
    m_cursor.clear(); // answers at once
    poll();
}

void ApprovalPoller::stop()
{
    m_running = false;
    ++m_generation; // answers to older calls are dropped
    m_retry.stop();
    if (m_reply)
        m_reply->abort();
}

void ApprovalPoller::setOnline(bool online)
{
    if (std::exchange(m_online, online) != online)
        Q_EMIT onlineChanged(online);
}

void ApprovalPoller::poll()
{
    if (!m_running)
        return;
    apiclient::ApiClient::Options options;
    options.background = true;
    api::ApprovalQuery query; // pending ones
    if (!m_cursor.isEmpty()) {
        query.since = m_cursor.toLongLong();
        query.waitS = m_waitSeconds;
        options.timeoutMs = (m_waitSeconds + 15) * 1000; // the server may hold it that long
    }
    options.query = query.encode();
    const int generation = m_generation;
    m_reply = m_api->get(
            QStringLiteral("/admin/approvals"), this,
            [this, generation](const apiclient::ApiClient::Reply &r) {
                if (generation != m_generation || !m_running)
                    return;
                if (!r.ok()) {
                    if (r.status == 401) {
                        m_running = false;
                        return;
                    }
                    if (r.status == 0 || r.status >= 500)
                        setOnline(false);
                    Q_EMIT failed(ErrorText::of(r));
                    m_cursor.clear(); // the retry answers at once: the error goes when it works
                    m_retry.start();
                    return;
                }
                setOnline(true);
                m_pending = Approval::listFromJson(r.body);
                m_cursor = r.body.value(api::key::kCursor).toString();
                const bool first = std::exchange(m_first, false);
                Q_EMIT updated(m_pending, first);
                // An answer without a cursor cannot be waited on: ask again later, not at once.
                if (m_cursor.isEmpty())
                    m_retry.start();
                else
                    poll();
            },
            options);
}

} // namespace tap::console
