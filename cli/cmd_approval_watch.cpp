// approval watch: follows the pending approvals on the long poll of GET /admin/approvals
// (?status=pending answers at once with {items, cursor}; ?status=pending&wait=S&cursor=C holds
// until the team's approvals change or S seconds pass, then answers the same way: the whole
// pending list and the next cursor). Each approval is printed the first time it is seen
// pending: a table line, or a JSON line with --json. Stops on SIGINT/SIGTERM, --once or
// --timeout (exit 0); when the server drops it tries again with backoff; an expired session
// or an API error ends it with one line (exit 1).
#include "commands.h"
#include "helpers.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QPointer>
#include <QSet>
#include <QSocketNotifier>
#include <QTimer>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitS = 30; // the server allows up to 60
constexpr int kFirstRetryMs = 1000;
constexpr int kMaxRetryMs = 30000;
constexpr int kNoCursorRetryMs = 5000;

const Columns kLineColumns{ { u"id"_s, u"ID"_s },
                            { u"agent_id"_s, u"AGENT"_s },
                            { u"credential"_s, u"CREDENTIAL"_s },
                            { u"method"_s, u"METHOD"_s },
                            { u"target"_s, u"TARGET"_s },
                            { u"expires_at"_s, u"EXPIRES"_s } };
const QList<int> kWidths{ 38, 24, 18, 8, 48, 0 };

int g_signalPipe[2] = { -1, -1 };

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &c, 1);
}

// SIGINT and SIGTERM become a readable pipe for the event loop while this lives.
class SignalCatcher
{
public:
    SignalCatcher()
    {
        if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
            return;
        struct sigaction sa = {};
        sa.sa_handler = onSignal;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGINT, &sa, &m_oldInt);
        ::sigaction(SIGTERM, &sa, &m_oldTerm);
        m_notifier.emplace(g_signalPipe[0], QSocketNotifier::Read);
    }
    ~SignalCatcher()
    {
        if (!m_notifier)
            return;
        m_notifier.reset();
        ::sigaction(SIGINT, &m_oldInt, nullptr);
        ::sigaction(SIGTERM, &m_oldTerm, nullptr);
        ::close(g_signalPipe[0]);
        ::close(g_signalPipe[1]);
        g_signalPipe[0] = g_signalPipe[1] = -1;
    }
    QSocketNotifier *notifier() { return m_notifier ? &*m_notifier : nullptr; }

private:
    struct sigaction m_oldInt = {};
    struct sigaction m_oldTerm = {};
    std::optional<QSocketNotifier> m_notifier;
};

class Watch
{
public:
    Watch(Context &ctx, bool once) : m_ctx(ctx), m_once(once)
    {
        m_retry.setSingleShot(true);
        QObject::connect(&m_retry, &QTimer::timeout, &m_loop, [this] { poll(); });
    }

    int run(int timeoutS)
    {
        SignalCatcher catcher;
        if (QSocketNotifier *n = catcher.notifier())
            QObject::connect(n, &QSocketNotifier::activated, &m_loop, [this] { finish(kOk); });
        if (timeoutS > 0)
            QTimer::singleShot(qint64(timeoutS) * 1000, &m_loop, [this] { finish(kOk); });
        poll();
        m_loop.exec();
        return m_code;
    }

private:
    void poll()
    {
        apiclient::RequestOptions options;
        options.background = true;
        options.reportExpiry = false;
        options.query.addQueryItem(u"status"_s, u"pending"_s);
        if (!m_cursor.isEmpty()) {
            options.query.addQueryItem(u"wait"_s, QString::number(kWaitS));
            options.query.addQueryItem(u"cursor"_s, m_cursor);
            options.timeoutMs = (kWaitS + 15) * 1000; // the server may hold it that long
        }
        m_reply = m_ctx.client().get(
                u"/admin/approvals"_s, [this](const Context::Reply &r) { answered(r); }, options);
    }

    void answered(const Context::Reply &r)
    {
        if (m_done)
            return;
        if (!r.ok()) {
            // The server went away (or is restarting): try again, unless it never answered.
            if (m_connected && (r.status == 0 || r.status >= 500))
                return retry(r);
            return finish(m_ctx.fail(r));
        }
        if (!m_connected || m_retryMs != kFirstRetryMs) {
            if (m_retryMs != kFirstRetryMs)
                m_ctx.warn(u"reconnected to %1"_s.arg(m_ctx.url()));
            m_connected = true;
            m_retryMs = kFirstRetryMs;
        }
        const int printed = printNew(r.body.value(u"items"_s).toArray());
        if (m_once && printed > 0)
            return finish(kOk);
        m_cursor = r.body.value(u"cursor"_s).toString();
        // An answer without a cursor cannot be waited on: ask again later, not at once.
        if (m_cursor.isEmpty())
            m_retry.start(kNoCursorRetryMs);
        else
            poll();
    }

    void retry(const Context::Reply &r)
    {
        m_ctx.warn(u"lost the TAP server at %1 (%2); trying again in %3 s"_s.arg(
                m_ctx.url(), r.errorMessage().simplified(), QString::number(m_retryMs / 1000)));
        m_cursor.clear(); // start over: the server may have restarted
        m_retry.start(m_retryMs);
        m_retryMs = std::min(m_retryMs * 2, kMaxRetryMs);
    }

    int printNew(const QJsonArray &items)
    {
        int printed = 0;
        for (const QJsonValue &v : items) {
            const QJsonObject o = v.toObject();
            const QString id = o.value(u"id"_s).toString();
            if (id.isEmpty() || m_seen.contains(id))
                continue;
            m_seen.insert(id);
            ++printed;
            if (m_ctx.json()) {
                m_ctx.printJson(o, true);
                continue;
            }
            if (!m_headerPrinted) {
                m_headerPrinted = true;
                printLine([](const auto &c) { return c.second; });
            }
            printLine([&o](const auto &c) { return Context::cell(o.value(c.first)); });
        }
        return printed;
    }

    template <typename CellFn>
    void printLine(CellFn cell)
    {
        QString line;
        for (qsizetype i = 0; i < kLineColumns.size(); ++i) {
            const QString text = cell(kLineColumns.at(i));
            line += kWidths.at(i) == 0 ? text : text.leftJustified(kWidths.at(i) - 2) + u"  "_s;
        }
        m_ctx.print(line);
    }

    void finish(int code)
    {
        if (m_done)
            return;
        m_done = true;
        m_code = code;
        m_retry.stop();
        if (m_reply)
            m_reply->abort();
        m_loop.quit();
    }

    Context &m_ctx;
    const bool m_once;
    QEventLoop m_loop;
    QTimer m_retry;
    QPointer<QNetworkReply> m_reply;
    QSet<QString> m_seen;
    QString m_cursor;
    int m_retryMs = kFirstRetryMs;
    int m_code = kOk;
    bool m_connected = false;
    bool m_headerPrinted = false;
    bool m_done = false;
};

int watch(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const int timeoutS = positiveInt(ctx, inv, u"timeout"_s);
    if (timeoutS == 0)
        return kError;
    Watch w(ctx, inv.has(u"once"_s));
    return w.run(timeoutS);
}

} // namespace

Command approvalWatchCommand()
{
    return { u"approval"_s,
             u"watch"_s,
             u"print pending approval requests as they arrive (until Ctrl-C)"_s,
             {},
             { { u"once"_s, {}, u"stop after the first new pending request(s)"_s },
               { u"timeout"_s, u"SECONDS"_s, u"stop after SECONDS (exit 0)"_s } },
             u"Prints what is pending now, then each new request, from the server's long poll; "
             "with --json one JSON object per line. Reconnects (with backoff) when the server "
             "drops.\nexample: tap approval watch --json | jq -r .id"_s,
             watch };
}

} // namespace tap::cli
