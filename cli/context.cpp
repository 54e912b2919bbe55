#include "context.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>

#include <termios.h>
#include <unistd.h>

#include <cstdio>

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

const QString kDefaultUrl = u"http://127.0.0.1:8080"_s;

QString readStdinAll()
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(in.readAll());
}

QString chopNewline(QString s)
{
    if (s.endsWith(u'\n'))
        s.chop(1);
    if (s.endsWith(u'\r'))
        s.chop(1);
    return s;
}

} // namespace

Context::Context(const Invocation &inv) : m_json(inv.json), m_out(stdout), m_err(stderr)
{
    m_url = inv.url;
    if (m_url.isEmpty())
        m_url = qEnvironmentVariable("TAP_URL");
    const bool urlGiven = !m_url.isEmpty();
    if (urlGiven)
        m_url = QUrl(m_url).toString(QUrl::StripTrailingSlash);
    QString token = qEnvironmentVariable("TAP_SESSION");
    m_tokenFromEnv = !token.isEmpty();
    selectProfile(inv, urlGiven);
    if (m_url.isEmpty())
        m_url = m_stored.url;
    if (m_url.isEmpty())
        m_url = kDefaultUrl;
    while (m_url.endsWith(u'/'))
        m_url.chop(1);
    // A stored token belongs to the server it was issued by.
    if (token.isEmpty() && QUrl(m_stored.url).toString(QUrl::StripTrailingSlash) == m_url)
        token = m_stored.token;
    m_client.setBaseUrl(QUrl(m_url));
    m_client.setSessionToken(token);
}

void Context::selectProfile(const Invocation &inv, bool urlGiven)
{
    if (!inv.profile.isEmpty()) {
        const QList<Profile> hits = ProfileList::match(inv.profile);
        if (hits.size() != 1) {
            QStringList keys;
            for (const Profile &p : hits)
                keys << p.key();
            m_setupError = hits.isEmpty()
                    ? u"no saved login matches --profile %1 (see 'tap profile list')"_s.arg(
                            inv.profile)
                    : u"--profile %1 matches several saved logins (%2): give URL|EMAIL"_s.arg(
                            inv.profile, keys.join(u", "_s));
            return;
        }
        m_profile = hits.first();
    } else {
        for (const Profile &p : ProfileList::load()) {
            if (!urlGiven || p.url == m_url) {
                m_profile = p;
                break;
            }
        }
    }
    if (m_profile.isValid() && !urlGiven)
        m_url = m_profile.url;
    if (m_tokenFromEnv)
        return; // TAP_SESSION: the keychain is not asked
    // Without a profile: a fallback file of its own (or of an older tap).
    m_stored = m_profile.isValid() ? loadSession(m_profile) : SessionFile::load();
}

int Context::error(const QString &message)
{
    m_out.flush();
    m_err << "tap: " << message << Qt::endl;
    return kError;
}

void Context::warn(const QString &message)
{
    error(message);
}

int Context::usage(const QString &message)
{
    error(message);
    return kUsage;
}

bool Context::requireSession()
{
    if (m_client.hasSession())
        return true;
    if (!m_stored.token.isEmpty() && QUrl(m_stored.url).toString(QUrl::StripTrailingSlash) != m_url)
        error(u"not logged in to %1 (the saved session is for %2): run 'tap login --url %1'"_s.arg(
                m_url, m_stored.url));
    else
        error(u"not logged in: run 'tap login' (or set TAP_SESSION)"_s);
    return false;
}

Context::Reply Context::call(const QByteArray &verb, const QString &path, const QJsonObject &body,
                             const QUrlQuery &query)
{
    QEventLoop loop;
    Reply out;
    auto done = [&out, &loop](const Reply &r) {
        out = r;
        loop.quit();
    };
    apiclient::RequestOptions options;
    options.query = query;
    if (verb == "GET")
        m_client.get(path, done, options);
    else if (verb == "POST")
        m_client.post(path, body, done, options);
    else if (verb == "PUT")
        m_client.put(path, body, done, options);
    else if (verb == "PATCH")
        m_client.patch(path, body, done, options);
    else
        m_client.remove(path, done, options);
    loop.exec();
    return out;
}

Context::Reply Context::get(const QString &path, const QUrlQuery &query)
{
    return call("GET", path, {}, query);
}

Context::Reply Context::post(const QString &path, const QJsonObject &body, const QUrlQuery &query)
{
    return call("POST", path, body, query);
}

Context::Reply Context::put(const QString &path, const QJsonObject &body, const QUrlQuery &query)
{
    return call("PUT", path, body, query);
}

Context::Reply Context::patch(const QString &path, const QJsonObject &body, const QUrlQuery &query)
{
    return call("PATCH", path, body, query);
}

Context::Reply Context::remove(const QString &path, const QUrlQuery &query)
{
    return call("DELETE", path, {}, query);
}

int Context::fail(const Reply &r)
{
    if (r.status == 0)
        return error(u"cannot reach the TAP server at %1 (%2); is tapd running? Set the address "
                     "with --url or TAP_URL"_s.arg(m_url, r.errorMessage()));
    if (r.status == 401 && m_client.hasSession())
        return error(u"the session has expired or is not valid: run 'tap login'%1"_s.arg(
                m_tokenFromEnv ? u" or set a fresh TAP_SESSION"_s : QString()));
    QString message = r.errorMessage().simplified();
    if (!r.error.code.isEmpty() && r.error.code != u"network_error"_s)
        message += u" (%1)"_s.arg(r.error.code);
    return error(message);
}

void Context::print(const QString &line)
{
    m_out << line << '\n';
    m_out.flush();
}

void Context::printJson(const QJsonValue &value, bool compact)
{
    const QJsonDocument doc =
            value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    m_out << QString::fromUtf8(
            doc.toJson(compact ? QJsonDocument::Compact : QJsonDocument::Indented));
    if (compact)
        m_out << '\n';
    m_out.flush();
}

QString Context::cell(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return u"-"_s;
    case QJsonValue::Bool:
        return v.toBool() ? u"yes"_s : u"no"_s;
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', 15);
    case QJsonValue::String:
        return v.toString().isEmpty() ? u"-"_s : v.toString().simplified();
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &e : v.toArray())
            parts << cell(e);
        return parts.isEmpty() ? u"-"_s : parts.join(u',');
    }
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    }
    return {};
}

void Context::printTable(const QJsonArray &rows, const QList<std::pair<QString, QString>> &columns)
{
    QList<QStringList> cells;
    QList<qsizetype> widths;
    QStringList header;
    for (const auto &c : columns) {
        header << c.second;
        widths << c.second.size();
    }
    for (const QJsonValue &row : rows) {
        QStringList line;
        for (qsizetype i = 0; i < columns.size(); ++i) {
            line << cell(row.toObject().value(columns.at(i).first));
            widths[i] = std::max(widths[i], line.last().size());
        }
        cells << line;
    }
    cells.prepend(header);
    for (const QStringList &line : std::as_const(cells)) {
        QString text;
        for (qsizetype i = 0; i < line.size(); ++i)
            text += i + 1 == line.size() ? line.at(i) : line.at(i).leftJustified(widths[i] + 2);
        print(text);
    }
}

bool Context::stdinIsTerminal()
{
    return ::isatty(STDIN_FILENO) == 1;
}

QString Context::promptLine(const QString &prompt)
{
    if (!stdinIsTerminal())
        return {};
    m_err << prompt << Qt::flush;
    QTextStream in(stdin);
    return in.readLine().trimmed();
}

QString Context::readSecret(const Invocation &inv, const QString &fileOption, const QString &prompt,
                            bool *ok)
{
    *ok = true;
    const QString file = inv.value(fileOption);
    if (file == u"-"_s)
        return chopNewline(readStdinAll());
    if (!file.isEmpty()) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            *ok = false;
            error(u"cannot read %1: %2"_s.arg(file, f.errorString()));
            return {};
        }
        return chopNewline(QString::fromUtf8(f.readAll()));
    }
    if (!stdinIsTerminal())
        return chopNewline(readStdinAll());
    m_err << prompt << Qt::flush;
    termios old{};
    const bool haveTerm = ::tcgetattr(STDIN_FILENO, &old) == 0;
    if (haveTerm) {
        termios quiet = old;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    QTextStream in(stdin);
    const QString line = in.readLine();
    if (haveTerm)
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    m_err << Qt::endl;
    return line;
}

} // namespace tap::cli
