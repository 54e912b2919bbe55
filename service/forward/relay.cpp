// The forwarding half of the pipeline: send the built request upstream, scrub what comes
// back (headers and body, streamed with backpressure), audit, answer.
#include "forward/exchange.h"
#include "forward/forwarder.h"

#include "core/logging.h"
#include "http/response.h"

#include <utility>

namespace tap::forward {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

// Answers are sent whole (with Content-Length, one audit write after the answer) up to this
// many DECODED bytes; larger, unknown-length or event-stream bodies are streamed. The upstream's
// Content-Length counts compressed bytes: an answer announced small that decodes larger is
// switched to streaming as soon as its decoded bytes pass the limit.
constexpr qint64 kBufferLimit = 256 * 1024;
constexpr qint64 kHighWatermark = 1024 * 1024; // pause the upstream above this much unsent output
constexpr qint64 kLowWatermark = 256 * 1024;

bool isEventStream(const http::HeaderList &headers)
{
    return http::headerValue(headers, "content-type").trimmed().startsWith("text/event-stream");
}

} // namespace

void Forwarder::send(const std::shared_ptr<Exchange> &x)
{
    if (x->credentials.size() == 1) {
        x->scrubber = std::make_unique<sanitizer::Scrubber>(*x->credentials.first()->scrubber);
    } else {
        QList<sanitizer::Secret> secrets;
        for (const auto &c : std::as_const(x->credentials))
            secrets.append({ c->grant.credential.name, c->secret });
        x->scrubber = std::make_unique<sanitizer::Scrubber>(secrets);
    }
    x->upstreamStartNs = x->timer.nsecsElapsed();

    std::weak_ptr<Exchange> weak = x;
    upstream::CurlClient &client = upstream::CurlClient::forThisThread();
    // Streamed: the record goes in before the first byte, so an answered request is never
    // missing from the trail; redactions and latency are filled in at the end. False: the
    // trail cannot be written, the transfer is cancelled and the agent told.
    auto beginStream = [this](Exchange &ex) -> bool {
        ex.streaming = true;
        ex.reason = ex.reason.isEmpty() ? QStringLiteral("auto") : ex.reason;
        store::AuditRecord r = auditRecord(ex);
        r.decision = ex.decision;
        r.status = ex.status;
        r.upstreamStatus = ex.status;
        auto seq = m_audit.write(r, false);
        if (!seq) {
            upstream::CurlClient::forThisThread().cancel(ex.transfer);
            ex.buffered.clear();
            ex.responder.send(http::Response::error(Error(
                    ErrorCode::Unavailable, QStringLiteral("The audit trail cannot be written."))));
            return false;
        }
        r.seq = seq.value();
        ex.streamAudit = r;
        ex.responder.begin(ex.status, ex.responseHeaders);
        if (!ex.buffered.isEmpty())
            ex.responder.write(std::exchange(ex.buffered, {}));
        return true;
    };
    upstream::Handlers h;
    h.onHead = [weak, beginStream](int status, const http::HeaderList &headers,
                                   qint64 contentLength) {
        auto ex = weak.lock();
        if (!ex)
            return;
        ex->status = status;
        ex->upstreamLatencyMs = int((ex->timer.nsecsElapsed() - ex->upstreamStartNs) / 1000000);
        for (const auto &[name, value] : headers) {
            // A name holding a secret cannot be redacted into a valid field name: drop the field.
            if (ex->scrubber->scrubAll(name) != name)
                continue;
            ex->responseHeaders.append({ name, ex->scrubber->scrubAll(value) });
        }
        ex->responseHeaders.append(
                { QByteArrayLiteral("X-TAP-Request-Id"), ex->requestId.toLatin1() });
        if (!ex->deliver
            && (contentLength < 0 || contentLength > kBufferLimit || isEventStream(headers)))
            beginStream(*ex);
    };
    // The agent reads slower than the upstream sends: pause instead of buffering.
    auto keepReceiving = [weak](Exchange &ex) -> bool {
        if (ex.responder.bufferedBytes() <= kHighWatermark)
            return true;
        ex.responder.onDrained(kLowWatermark, [weak] {
            if (auto e = weak.lock())
                upstream::CurlClient::forThisThread().resume(e->transfer);
        });
        return false;
    };
    h.onData = [this, weak, beginStream, keepReceiving](const QByteArray &chunk) -> bool {
        auto ex = weak.lock();
        if (!ex)
            return true;
        const QByteArray clean = ex->scrubber->feed(chunk);
        if (ex->streaming) {
            if (!clean.isEmpty())
                ex->responder.write(clean);
            return keepReceiving(*ex);
        }
        ex->buffered += clean;
        if (ex->deliver) {
            if (ex->buffered.size() <= m_settings.maxResponseBufferBytes)
                return true;
            // An approved request's answer is kept whole for the agent's poll: bounded by its
            // decoded size, checked as it arrives. (cancel() destroys this handler: only
            // locals are used after it.)
            Forwarder *self = this;
            const qint64 limit = m_settings.maxResponseBufferBytes;
            upstream::CurlClient::forThisThread().cancel(ex->transfer);
            ex->buffered = QByteArray();
            self->reject(*ex,
                         Error(ErrorCode::UpstreamError,
                               QStringLiteral("The upstream response is larger than "
                                              "TAP_MAX_RESPONSE_BUFFER_BYTES (%1 bytes decoded), "
                                              "the most kept for the agent's poll.")
                                       .arg(limit)),
                         QStringLiteral("response_too_large"));
            return true;
        }
        if (ex->buffered.size() <= kBufferLimit)
            return true;
        // Announced small (a compressed Content-Length) but decodes larger: streamed from here
        // on. (A failed beginStream() cancels, which destroys this handler.)
        return !beginStream(*ex) || keepReceiving(*ex);
    };
    // onDone holds the exchange: the transfer owns its handlers until it ends or is cancelled,
    // which is what keeps the exchange alive meanwhile (and releases it after).
    h.onDone = [this, x](Result<void> outcome) {
        if (!outcome) {
            if (x->streaming && x->streamAudit.seq > 0) {
                x->streamAudit.reason = QStringLiteral("upstream_failed_mid_stream");
                x->streamAudit.latencyMs = int(x->timer.elapsed());
                m_audit.complete(x->streamAudit);
                x->responder.abort(); // a reset, so the agent cannot take the cut body as complete
                return;
            }
            x->upstreamLatencyMs = int((x->timer.nsecsElapsed() - x->upstreamStartNs) / 1000000);
            return reject(*x, outcome.error(), core::errorName(outcome.error().code()));
        }
        const QByteArray tail = x->scrubber->finish();
        if (x->streaming) {
            if (!tail.isEmpty())
                x->responder.write(tail);
            x->responder.end();
            x->streamAudit.latencyMs = int(x->timer.elapsed());
            x->streamAudit.redactions = x->scrubber->redactions();
            m_audit.complete(x->streamAudit);
            return;
        }
        x->buffered += tail;
        store::AuditRecord r = auditRecord(*x);
        r.decision = x->decision;
        r.status = x->status;
        r.upstreamStatus = x->status;
        r.redactions = x->scrubber->redactions();
        // The answer goes out only once its record is in the trail.
        auto answer = [](const std::shared_ptr<Exchange> &ex, const Result<qint64> &written) {
            http::Response response;
            if (!written) {
                response = http::Response::error(
                        Error(ErrorCode::Unavailable,
                              QStringLiteral("The audit trail cannot be written.")));
                response.setHeader("X-TAP-Request-Id", ex->requestId.toLatin1());
            } else {
                response.status = ex->status;
                response.headers = std::move(ex->responseHeaders);
                response.body = std::move(ex->buffered);
            }
            if (ex->deliver)
                return ex->deliver(response, response.status == ex->status);
            ex->responder.send(std::move(response));
        };
        if (!x->deliver && x->responder.threadContext()) // group commit (AuditSink)
            return m_audit.writeAsync(r, x->responder.threadContext(),
                                      [x, answer](Result<qint64> written) { answer(x, written); });
        answer(x, m_audit.write(r));
    };
    x->transfer = client.start(x->upstream, std::move(h));
    if (x->bodyStream) {
        x->bodyStream->onReady([weak] {
            if (auto e = weak.lock())
                upstream::CurlClient::forThisThread().bodyReady(e->transfer);
        });
    }
    // The agent hung up: stop the upstream transfer.
    x->responder.onCancel([weak] {
        if (auto e = weak.lock())
            upstream::CurlClient::forThisThread().cancel(e->transfer);
    });
}

} // namespace tap::forward
