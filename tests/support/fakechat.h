// Test support for chat approvals: a fake Telegram Bot API and Matrix homeserver process
// (tests/support/fake_chat.py) with its control endpoints.
#pragma once

#include "support/httpclient.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <functional>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

// Polls `done` (running the event loop) until it holds or `timeoutMs` passes.
inline bool waitFor(const std::function<bool()> &done, int timeoutMs = 20000)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QTest::qWait(50);
    }
    return true;
}

// The fake Telegram Bot API + Matrix homeserver process (fake_chat.py) and its control
// endpoints: inject button clicks and Matrix events, read what the bots sent and edited.
class FakeChat
{
public:
    ~FakeChat()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    // Starts fake_chat.py accepting these tokens; false if it does not come up.
    bool start(const QStringList &botTokens, const QStringList &matrixTokens)
    {
        const QString script = QStringLiteral(TAP_TEST_SUPPORT_DIR "/fake_chat.py");
        QStringList args{ script, u"--port"_s, u"0"_s, u"--log"_s, logPath() };
        for (const QString &t : botTokens)
            args << u"--bot-token"_s << t;
        for (const QString &t : matrixTokens)
            args << u"--matrix-token"_s << t;
        m_process.start(u"python3"_s, args);
        QElapsedTimer t;
        t.start();
        QByteArray out;
        while (t.elapsed() < 20000 && m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(100);
            out += m_process.readAllStandardOutput();
            const auto m = QRegularExpression(u"PORT (\\d+)"_s).match(QString::fromUtf8(out));
            if (m.hasMatch()) {
                m_port = quint16(m.captured(1).toUInt());
                return true;
            }
        }
        return false;
    }
    // What the bots sent: one JSON object per line (long polls and control calls excluded).
    QString logPath() const { return m_dir.filePath(u"chat.jsonl"_s); }
    QString base() const { return u"http://127.0.0.1:%1"_s.arg(m_port); }
    HttpClient client() const { return HttpClient(m_port); }

    QJsonObject callback(const QString &token, const QString &from, const QJsonValue &chat,
                         const QJsonValue &messageId, const QString &data, bool queue = true) const
    {
        return client()
                .post("/__tg/callback",
                      { { u"token"_s, token },
                        { u"from_id"_s, from.toLongLong() },
                        { u"chat_id"_s, chat },
                        { u"message_id"_s, messageId },
                        { u"data"_s, data },
                        { u"queue"_s, queue } })
                .json();
    }
    // A text message from Telegram user `from` to the bot (a private chat unless `chatType`).
    void sendText(const QString &token, const QString &from, const QString &text,
                  const QString &chatType = u"private"_s) const
    {
        client().post("/__tg/message",
                      { { u"token"_s, token },
                        { u"from_id"_s, from.toLongLong() },
                        { u"text"_s, text },
                        { u"chat_type"_s, chatType } });
    }
    // The texts the bots sent to chat `chatId` (newest last).
    QStringList textsTo(qint64 chatId) const
    {
        QStringList out;
        for (const QJsonValue &v : messages()) {
            if (v.toObject().value(u"chat_id"_s).toInteger() == chatId)
                out << v.toObject().value(u"text"_s).toString();
        }
        return out;
    }
    QJsonArray messages() const
    {
        return client().get("/__tg/messages").json().value(u"messages"_s).toArray();
    }
    // The message carrying the buttons of `txn` (empty object if none).
    QJsonObject message(const QString &txn) const
    {
        for (const QJsonValue &v : messages()) {
            const QJsonObject m = v.toObject();
            if (m.value(u"text"_s).toString().contains(txn))
                return m;
        }
        return {};
    }
    QJsonObject answerTo(const QString &queryId) const
    {
        for (const QJsonValue &v :
             client().get("/__tg/answers").json().value(u"answers"_s).toArray()) {
            if (v.toObject().value(u"callback_query_id"_s).toString() == queryId)
                return v.toObject();
        }
        return {};
    }
    QJsonObject stats() const { return client().get("/__tg/stats").json(); }
    QString mxEvent(const QString &room, const QString &sender, const QString &type,
                    const QJsonObject &content) const
    {
        return client()
                .post("/__mx/event",
                      { { u"room_id"_s, room },
                        { u"sender"_s, sender },
                        { u"type"_s, type },
                        { u"content"_s, content } })
                .json()
                .value(u"event_id"_s)
                .toString();
    }
    // Makes `room` hold these members only (a direct message): synced to them alone.
    void mxRoom(const QString &room, const QStringList &members) const
    {
        client().post(
                "/__mx/room",
                { { u"room_id"_s, room }, { u"members"_s, QJsonArray::fromStringList(members) } });
    }
    QList<QJsonObject> mxEvents(const QString &room) const
    {
        QList<QJsonObject> out;
        const QByteArray path = "/__mx/events?room_id=" + QUrl::toPercentEncoding(room);
        for (const QJsonValue &v : client().get(path).json().value(u"events"_s).toArray())
            out << v.toObject();
        return out;
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace tap::test
