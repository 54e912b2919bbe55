// What every command needs: the server and session (flags, environment, the profile's token in
// the keychain or the fallback file: session.h), one
// synchronous call over the shared ApiClient, output (tables or JSON) and secret input.
#pragma once

#include "apiclient/apiclient.h"
#include "args.h"
#include "session.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

namespace tap::cli {

enum ExitCode { kOk = 0, kError = 1, kUsage = 2 };

class Context
{
public:
    using Reply = apiclient::ApiClient::Reply;

    explicit Context(const Invocation &invocation);

    bool json() const { return m_json; }
    QString url() const { return m_url; }
    const StoredSession &stored() const { return m_stored; }
    // The saved login in use (--profile, else the latest for the server); may be invalid.
    const Profile &profile() const { return m_profile; }
    // Why the command cannot run (an unknown or ambiguous --profile); empty when fine.
    QString setupError() const { return m_setupError; }
    bool sessionFromEnvironment() const { return m_tokenFromEnv; }
    apiclient::ApiClient &client() { return m_client; }

    // Prints "tap: <message>" on stderr; returns kError.
    int error(const QString &message);
    // Prints "tap: <message>" on stderr (a notice on success).
    void warn(const QString &message);
    // Prints "tap: <message>" on stderr; returns kUsage.
    int usage(const QString &message);
    // Fails unless a session token is known (flag/env/file), with what to do.
    bool requireSession();

    Reply get(const QString &path, const QUrlQuery &query = {});
    Reply post(const QString &path, const QJsonObject &body = {}, const QUrlQuery &query = {});
    Reply put(const QString &path, const QJsonObject &body, const QUrlQuery &query = {});
    Reply patch(const QString &path, const QJsonObject &body, const QUrlQuery &query = {});
    Reply remove(const QString &path, const QUrlQuery &query = {});
    // The one-line message for a failed reply (server down, session expired, API error);
    // returns kError.
    int fail(const Reply &reply);

    // Output.
    void print(const QString &line);
    void printJson(const QJsonValue &value, bool compact = false);
    // A table of `rows` (objects) with the given columns: {key, header}.
    void printTable(const QJsonArray &rows, const QList<std::pair<QString, QString>> &columns);
    static QString cell(const QJsonValue &value);

    // A secret: from `fileOption`'s file ("-" = stdin), else a no-echo prompt on a terminal,
    // else stdin. `ok` is false (and the error printed) when it could not be read.
    QString readSecret(const Invocation &inv, const QString &fileOption, const QString &prompt,
                       bool *ok);
    // A line typed at the terminal (echoed); empty when stdin is not a terminal.
    QString promptLine(const QString &prompt);
    static bool stdinIsTerminal();

private:
    void selectProfile(const Invocation &inv, bool urlGiven);
    Reply call(const QByteArray &verb, const QString &path, const QJsonObject &body,
               const QUrlQuery &query);

    bool m_json = false;
    QString m_url;
    bool m_tokenFromEnv = false;
    Profile m_profile;
    QString m_setupError;
    StoredSession m_stored;
    apiclient::ApiClient m_client;
    QTextStream m_out;
    QTextStream m_err;
};

} // namespace tap::cli
