#pragma once

#include "http/responder.h"
#include "http/response.h"

#include <functional>

class QObject;

namespace tap::forward {

// Where the answer of one /forward exchange goes: live to the agent's connection
// (LiveSink), or stored for the agent's poll of an approved request (StoredSink). Used on the
// exchange's thread only.
class ResponseSink
{
public:
    virtual ~ResponseSink() = default;

    // A live connection can take a streamed answer; a stored one is always kept whole.
    virtual bool isLive() const = 0;
    // The whole answer. `forwarded`: it is the upstream's answer, not an error of TAP's.
    virtual void send(http::Response response, bool forwarded) = 0;

    // Streaming (live sinks only): head, chunks, then end(), or abort() so the agent sees a
    // cut body as cut.
    virtual void begin(int status, const http::HeaderList &headers) = 0;
    virtual void write(const QByteArray &chunk) = 0;
    virtual void end() = 0;
    virtual void abort() = 0;
    // Unsent output, and a callback for when it falls below `lowWatermark`.
    virtual qint64 pendingBytes() const = 0;
    virtual void onDrained(qint64 lowWatermark, std::function<void()> callback) = 0;
    // The agent hung up before the answer ended.
    virtual void onCancel(std::function<void()> callback) = 0;

    // Where an asynchronous audit write reports back (group commit); null: write synchronously.
    virtual QObject *threadContext() const = 0;
};

// The agent's connection.
class LiveSink final : public ResponseSink
{
public:
    explicit LiveSink(http::Responder responder) : m_responder(std::move(responder)) { }

    bool isLive() const override { return true; }
    void send(http::Response response, bool forwarded) override;
    void begin(int status, const http::HeaderList &headers) override;
    void write(const QByteArray &chunk) override;
    void end() override;
    void abort() override;
    qint64 pendingBytes() const override;
    void onDrained(qint64 lowWatermark, std::function<void()> callback) override;
    void onCancel(std::function<void()> callback) override;
    QObject *threadContext() const override;

private:
    http::Responder m_responder;
};

// An approved request's answer: nobody waits on a connection, the whole (sanitized) answer
// goes to `deliver`, which keeps it for the agent's poll. Never streamed; audited synchronously.
class StoredSink final : public ResponseSink
{
public:
    using Deliver = std::function<void(const http::Response &response, bool forwarded)>;
    explicit StoredSink(Deliver deliver) : m_deliver(std::move(deliver)) { }

    bool isLive() const override { return false; }
    void send(http::Response response, bool forwarded) override;
    void begin(int, const http::HeaderList &) override { }
    void write(const QByteArray &) override { }
    void end() override { }
    void abort() override { }
    qint64 pendingBytes() const override { return 0; }
    void onDrained(qint64, std::function<void()>) override { }
    void onCancel(std::function<void()>) override { }
    QObject *threadContext() const override { return nullptr; }

private:
    Deliver m_deliver;
};

} // namespace tap::forward
