// The forwarding half of the pipeline: send the built request upstream, scrub what comes
// back (headers and body, streamed with backpressure), audit, answer.
#include "forward/relay.h"

#include "http/bodystream.h"
#include "http/response.h"

#include <utility>

namespace tap::forward {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

bool isEventStream(const http::HeaderList &headers)
{
    return http::headerValue(headers, "content-type").trimmed().startsWith("text/event-stream");
}

http::Response unavailable(const QString &message, const QString &requestId)
{
    http::Response response = http::Response::error(Error(ErrorCode::Unavailable, message));
    response.setHeader("X-TAP-Request-Id", requestId.toLatin1());
    return response;
}

class CurlTransfer final : public Transfer
{
public:
    explicit CurlTransfer(upstream::CurlClient::TransferPtr transfer)
        : m_transfer(std::move(transfer))
    {
    }
    void cancel() override { upstream::CurlClient::forThisThread().cancel(m_transfer); }
    void resume() override { upstream::CurlClient::forThisThread().resume(m_transfer); }
    void bodyReady() override { upstream::CurlClient::forThisThread().bodyReady(m_transfer); }

private:
    upstream::CurlClient::TransferPtr m_transfer;
};

} // namespace

void answerAfterAudit(AuditTrail &trail, const std::shared_ptr<ResponseSink> &sink,
                      std::optional<store::AuditRecord> record, AuditedAnswer answer)
{
    auto deliver = [sink](AuditedAnswer a, const Result<qint64> &written) {
        if (!written) // the record is the condition for any answer
            return sink->send(unavailable(a.refusal, a.requestId), false);
        sink->send(std::move(a.response), a.forwarded);
    };
    if (!record)
        return deliver(std::move(answer), qint64(0));
    if (QObject *context = sink->threadContext()) // journaled (AuditSink)
        return trail.writeAsync(*record, context,
                                [deliver, answer = std::move(answer)](Result<qint64> written) {
                                    deliver(answer, written);
                                });
    deliver(std::move(answer), trail.write(*record));
}

Relay::Relay(AuditTrail &trail, std::shared_ptr<ResponseSink> sink, sanitizer::Scrubber scrubber,
             store::AuditRecord record, QElapsedTimer timer, Limits limits)
    : m_trail(trail),
      m_sink(std::move(sink)),
      m_scrubber(std::move(scrubber)),
      m_record(std::move(record)),
      m_timer(timer),
      m_limits(limits)
{
}

void Relay::start(upstream::Request request, const std::shared_ptr<http::BodyStream> &body)
{
    std::weak_ptr<Relay> weak = weak_from_this();
    upstream::Handlers h;
    h.onHead = [weak](int status, const http::HeaderList &headers, qint64 contentLength) {
        if (auto relay = weak.lock())
            relay->onHead(status, headers, contentLength);
    };
    // (A cancel from inside onData() destroys this handler: only locals are used after it.)
    h.onData = [weak](const QByteArray &chunk) -> bool {
        auto relay = weak.lock();
        return relay ? relay->onData(chunk) : true;
    };
    // onDone holds the relay: the transfer owns its handlers until it ends or is cancelled,
    // which is what keeps the relay alive meanwhile (and releases it after).
    h.onDone = [self = shared_from_this()](Result<void> outcome) {
        self->onDone(std::move(outcome));
    };
    m_upstreamStartNs = m_timer.nsecsElapsed();
    m_bodyStreamed = m_bodyStreamed || body || request.bodySource;
    attach(std::make_unique<CurlTransfer>(
            upstream::CurlClient::forThisThread().start(std::move(request), std::move(h))));
    if (body) {
        body->onReady([weak] {
            if (auto relay = weak.lock(); relay && relay->m_transfer)
                relay->m_transfer->bodyReady();
        });
    }
    // The agent hung up: stop the upstream transfer.
    m_sink->onCancel([weak] {
        if (auto relay = weak.lock())
            relay->cancelTransfer();
    });
}

void Relay::attach(std::unique_ptr<Transfer> transfer)
{
    if (m_upstreamStartNs == 0)
        m_upstreamStartNs = m_timer.nsecsElapsed();
    m_transfer = std::move(transfer);
}

void Relay::cancelTransfer()
{
    if (m_transfer)
        m_transfer->cancel();
}

store::AuditRecord Relay::record() const
{
    store::AuditRecord r = m_record;
    r.latencyMs = int(m_timer.elapsed());
    r.upstreamLatencyMs = m_upstreamLatencyMs;
    return r;
}

void Relay::onHead(int status, const http::HeaderList &headers, qint64 contentLength)
{
    if (shouldRetryOAuth2(status, bool(m_resend), m_bodyStreamed, m_retried)) {
        m_discarding = true; // nothing of this answer reaches the sink
        return;
    }
    m_status = status;
    m_upstreamLatencyMs = int((m_timer.nsecsElapsed() - m_upstreamStartNs) / 1000000);
    for (const auto &[name, value] : headers) {
        // A name holding a secret cannot be redacted into a valid field name: drop the field.
        if (m_scrubber.scrubAll(name) != name)
            continue;
        m_headers.append({ name, m_scrubber.scrubAll(value) });
    }
    m_headers.append({ QByteArrayLiteral("X-TAP-Request-Id"), m_record.requestId.toLatin1() });
    if (m_sink->isLive()
        && (contentLength < 0 || contentLength > m_limits.bufferBytes || isEventStream(headers)))
        beginStream();
}

// Streamed: the record goes in before the first byte, so an answered request is never missing
// from the trail; redactions and latency are filled in at the end. False: the trail cannot be
// written, the transfer is cancelled and the agent told.
bool Relay::beginStream()
{
    m_streaming = true;
    store::AuditRecord r = record();
    if (r.reason.isEmpty())
        r.reason = QStringLiteral("auto");
    r.status = m_status;
    r.upstreamStatus = m_status;
    auto seq = m_trail.write(r, false);
    if (!seq) {
        cancelTransfer();
        m_buffered.clear();
        m_sink->send(unavailable(QStringLiteral("The audit trail cannot be written."),
                                 m_record.requestId),
                     false);
        return false;
    }
    r.seq = seq.value();
    m_streamRecord = r;
    m_sink->begin(m_status, m_headers);
    if (!m_buffered.isEmpty())
        m_sink->write(std::exchange(m_buffered, {}));
    return true;
}

// The agent reads slower than the upstream sends: pause instead of buffering.
bool Relay::keepReceiving()
{
    if (m_sink->pendingBytes() <= m_limits.highWatermark)
        return true;
    std::weak_ptr<Relay> weak = weak_from_this();
    m_sink->onDrained(m_limits.lowWatermark, [weak] {
        if (auto relay = weak.lock(); relay && relay->m_transfer)
            relay->m_transfer->resume();
    });
    return false;
}

bool Relay::onData(const QByteArray &chunk)
{
    if (m_discarding)
        return true;
    const QByteArray clean = m_scrubber.feed(chunk);
    if (m_streaming) {
        if (!clean.isEmpty())
            m_sink->write(clean);
        return keepReceiving();
    }
    m_buffered += clean;
    if (!m_sink->isLive()) {
        if (m_buffered.size() <= m_limits.storedBytes)
            return true;
        // An approved request's answer is kept whole for the agent's poll: bounded by its
        // decoded size, checked as it arrives.
        cancelTransfer();
        m_buffered = QByteArray();
        fail(Error(ErrorCode::UpstreamError,
                   QStringLiteral("The upstream response is larger than "
                                  "TAP_MAX_RESPONSE_BUFFER_BYTES (%1 bytes decoded), "
                                  "the most kept for the agent's poll.")
                           .arg(m_limits.storedBytes)),
             QStringLiteral("response_too_large"));
        return true;
    }
    if (m_buffered.size() <= m_limits.bufferBytes)
        return true;
    // Announced small (a compressed Content-Length) but decodes larger: streamed from here on.
    return !beginStream() || keepReceiving();
}

void Relay::onDone(Result<void> outcome)
{
    if (m_discarding) // the refused answer ended (or broke off): send again, once
        return resend();
    if (m_streaming) { // (a stream whose record could not be written was answered already)
        if (m_streamRecord.seq > 0)
            finishStream(std::move(outcome));
        return;
    }
    if (!outcome) {
        m_upstreamLatencyMs = int((m_timer.nsecsElapsed() - m_upstreamStartNs) / 1000000);
        return fail(outcome.error(), core::errorName(outcome.error().code()));
    }
    m_buffered += m_scrubber.finish();
    store::AuditRecord r = record();
    r.status = m_status;
    r.upstreamStatus = m_status;
    r.redactions = m_scrubber.redactions();
    http::Response response;
    response.status = m_status;
    response.headers = std::move(m_headers);
    response.body = std::move(m_buffered);
    answerAfterAudit(m_trail, m_sink, std::move(r),
                     { std::move(response), true, m_record.requestId,
                       QStringLiteral("The audit trail cannot be written.") });
}

void Relay::finishStream(Result<void> outcome)
{
    if (!outcome) {
        m_streamRecord.reason = QStringLiteral("upstream_failed_mid_stream");
        m_streamRecord.latencyMs = int(m_timer.elapsed());
        m_trail.complete(m_streamRecord);
        m_sink->abort(); // a reset, so the agent cannot take the cut body as complete
        return;
    }
    const QByteArray tail = m_scrubber.finish();
    if (!tail.isEmpty())
        m_sink->write(tail);
    m_sink->end();
    m_streamRecord.latencyMs = int(m_timer.elapsed());
    m_streamRecord.redactions = m_scrubber.redactions();
    m_trail.complete(m_streamRecord);
}

// The upstream refused the oauth2 access token (401): a fresh one, and the request once more;
// its answer, whatever it is, is the agent's. The record says so (detail oauth2_retried).
void Relay::resend()
{
    m_discarding = false;
    m_retried = true;
    m_record.detail.insert(QStringLiteral("oauth2_retried"), true);
    auto again = std::exchange(m_resend, {})();
    if (!again) {
        m_upstreamLatencyMs = int((m_timer.nsecsElapsed() - m_upstreamStartNs) / 1000000);
        return fail(again.error(), core::errorName(again.error().code()));
    }
    m_scrubber = std::move(again->scrubber);
    start(std::move(again->request), nullptr);
}

// Refused after the request was sent: recorded as rejected, and answered with TAP's error.
void Relay::fail(const Error &error, const QString &reason)
{
    http::Response response = http::Response::error(error);
    response.setHeader("X-TAP-Request-Id", m_record.requestId.toLatin1());
    store::AuditRecord r = record();
    r.reason = reason;
    r.decision = QStringLiteral("rejected");
    r.status = response.status;
    answerAfterAudit(m_trail, m_sink, std::move(r),
                     { std::move(response), false, m_record.requestId,
                       QStringLiteral("The audit trail cannot be written; refusing to "
                                      "proceed.") });
}

} // namespace tap::forward
