#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>

namespace tap::test {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

// One HTTP/1.1 answer as the client saw it.
struct HttpResponse
{
    int status = 0; // 0: no (complete) answer; see transportError
    QByteArray reason;
    HttpHeaders headers; // names as sent
    QByteArray body; // de-chunked
    QByteArray raw; // everything received, status line and headers included
    QString transportError;

    // Case-insensitive; the first value, or empty.
    QByteArray header(QByteArrayView name) const;
    // The body parsed as a JSON object (empty if it is not one).
    QJsonObject json() const;
    bool isJsonObject() const;
    // {"error": {"code", "message"}} fields, empty when absent.
    QString errorCode() const;
    QString errorMessage() const;
    // "HTTP 404 {...}" for failure messages (body cut at 600 bytes).
    QString describe() const;
};

// A small synchronous HTTP/1.1 client over QTcpSocket for tests: one connection per request
// ("Connection: close"), Content-Length or chunked or close-delimited bodies.
class HttpClient
{
public:
    explicit HttpClient(quint16 port, QHostAddress host = QHostAddress::LocalHost)
        : m_host(std::move(host)), m_port(port)
    {
    }

    void setPort(quint16 port) { m_port = port; }
    quint16 port() const { return m_port; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // Sent as "Authorization: Bearer <token>" unless a request names its own Authorization
    // header; empty: none.
    void setBearerToken(const QByteArray &token) { m_bearer = token; }
    QByteArray bearerToken() const { return m_bearer; }

    // Called with every complete exchange (for tests that inspect all traffic).
    void setObserver(std::function<void(const HttpResponse &)> observer)
    {
        m_observer = std::move(observer);
    }

    // The raw request: `body` is sent as is (Content-Length is added when a body or a
    // method that normally has one is given).
    HttpResponse request(const QByteArray &method, const QByteArray &path,
                         const QByteArray &body = {}, const HttpHeaders &headers = {}) const;

    // JSON helpers: the body is compact JSON with "Content-Type: application/json".
    HttpResponse get(const QByteArray &path, const HttpHeaders &headers = {}) const;
    HttpResponse del(const QByteArray &path, const HttpHeaders &headers = {}) const;
    HttpResponse post(const QByteArray &path, const QJsonObject &body = {},
                      const HttpHeaders &headers = {}) const;
    HttpResponse put(const QByteArray &path, const QJsonObject &body,
                     const HttpHeaders &headers = {}) const;
    HttpResponse patch(const QByteArray &path, const QJsonObject &body,
                       const HttpHeaders &headers = {}) const;
    HttpResponse sendJson(const QByteArray &method, const QByteArray &path, const QJsonObject &body,
                          const HttpHeaders &headers = {}) const;

    // A one-off request without a client object.
    static HttpResponse exchange(const QHostAddress &host, quint16 port, const QByteArray &request,
                                 int timeoutMs);

private:
    QHostAddress m_host;
    quint16 m_port = 0;
    int m_timeoutMs = 15000;
    QByteArray m_bearer;
    std::function<void(const HttpResponse &)> m_observer;
};

} // namespace tap::test
