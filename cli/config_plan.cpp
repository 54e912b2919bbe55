#include "config_plan.h"
#include "context.h"
#include "helpers.h"

#include <QFile>
#include <QJsonDocument>
#include <QSet>

namespace tap::cli::config {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMaxSecretBytes = 64 * 1024;

QString render(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return u"none"_s;
    case QJsonValue::Bool:
        return v.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double:
        return QString::number(v.toInt());
    case QJsonValue::String:
        return v.toString().isEmpty() ? u"none"_s : u"\"%1\""_s.arg(v.toString());
    case QJsonValue::Array: {
        QStringList items;
        for (const QJsonValue &e : v.toArray())
            items << e.toString();
        return u'[' + items.join(u", "_s) + u']';
    }
    case QJsonValue::Object:
        return u"{…}"_s;
    }
    return {};
}

// "key old -> new" for each field that differs; one level of nesting (policy) is flattened.
QStringList diff(const QJsonObject &from, const QJsonObject &to, const QString &prefix = {})
{
    QStringList out;
    for (auto it = to.begin(); it != to.end(); ++it) {
        const QJsonValue old = from.value(it.key());
        if (old == it.value())
            continue;
        const QString key = prefix + it.key();
        if (old.isObject() && it.value().isObject())
            out += diff(old.toObject(), it.value().toObject(), key + u'.');
        else if (it.value().isObject())
            out << key + u" set"_s;
        else if (old.isObject())
            out << key + u" removed"_s;
        else
            out << u"%1 %2 -> %3"_s.arg(key, render(old), render(it.value()));
    }
    return out;
}

// A change that no update call can make: the object is deleted and created again.
bool needsReplace(const Change &c)
{
    return c.kind == Kind::Channel || c.kind == Kind::Link;
}

QString secretId(Kind kind, const QString &name)
{
    return kindName(kind) + u'/' + name;
}

// A credential row of a role or an agent (README "Credential scopes").
bool scopedRow(const Resource &r)
{
    return r.kind == Kind::Credential
            && r.fields.value(u"scope_kind"_s).toString(u"team"_s) != u"team";
}

QStringList names(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &e : v.toArray())
        out << e.toString();
    return out;
}

} // namespace

QString Change::line() const
{
    const QString sign = op == Op::Create ? u"+"_s : op == Op::Update ? u"~"_s : u"-"_s;
    QString text = sign + u' ' + kindName(kind) + u' ' + name;
    QStringList details = diffs;
    if (setSecret)
        details << (kind == Kind::Channel ? u"bot token set"_s : u"value set"_s);
    if (op == Op::Update && !details.isEmpty())
        text += u": "_s + details.join(u"; "_s) + (replace ? u" (replaced)"_s : QString());
    else if (op == Op::Create && setSecret)
        text += u" (with its "_s + (kind == Kind::Channel ? u"bot token)"_s : u"value)"_s);
    return text;
}

QJsonObject Change::toJson() const
{
    static const QStringList ops{ u"create"_s, u"update"_s, u"delete"_s };
    static const QStringList statuses{ u"planned"_s, u"applied"_s, u"failed"_s, u"not_applied"_s };
    QJsonObject o{ { u"action"_s, ops.at(int(op)) },
                   { u"kind"_s, kindName(kind) },
                   { u"name"_s, name },
                   { u"changes"_s, QJsonArray::fromStringList(diffs) },
                   { u"sets_secret"_s, setSecret },
                   { u"replace"_s, replace },
                   { u"status"_s, statuses.at(int(status)) } };
    if (!error.isEmpty())
        o.insert(u"error"_s, error);
    return o;
}

Plan makePlan(const State &desired, const State &current, bool prune)
{
    Plan plan;
    for (const Resource &want : desired.items) {
        Change c{ Change::Op::Create, want.kind, want.name, want, {}, {}, false, false, {}, {} };
        if (const Resource *have = current.find(want.kind, want.name)) {
            c.op = Change::Op::Update;
            c.current = *have;
            c.diffs = diff(have->fields, want.fields);
            // A value is compared by presence only: the server never shows it.
            c.setSecret = want.secret.isSet() && !have->hasSecret;
            if (c.diffs.isEmpty() && !c.setSecret) {
                ++plan.unchanged;
                continue;
            }
            c.replace = needsReplace(c);
            // A recreated Telegram channel needs its bot token again.
            if (c.replace && want.kind == Kind::Channel && want.secret.isSet())
                c.setSecret = true;
        } else {
            c.setSecret = want.secret.isSet();
        }
        plan.changes << c;
    }
    QList<Change> deletions;
    for (const Resource &have : current.items) {
        if (desired.find(have.kind, have.name))
            continue;
        if (!prune) {
            plan.notInFile << kindName(have.kind) + u' ' + have.name;
            continue;
        }
        deletions.prepend(
                { Change::Op::Delete, have.kind, have.name, {}, have, {}, false, false, {}, {} });
    }
    // A role's or agent's row is created once its role, agent or link exists.
    std::stable_partition(plan.changes.begin(), plan.changes.end(), [](const Change &c) {
        return c.op != Change::Op::Create || !scopedRow(c.desired);
    });
    // Reverse kind order: links and agents go before the roles and credentials they use; a
    // role's or agent's rows go first (deleting their owner deletes them).
    std::stable_sort(deletions.begin(), deletions.end(), [](const Change &a, const Change &b) {
        const bool sa = scopedRow(a.current), sb = scopedRow(b.current);
        return sa != sb ? sa : a.kind > b.kind;
    });
    plan.changes += deletions;
    return plan;
}

QStringList check(const Plan &plan, const State &desired, const State &current)
{
    QSet<QString> deleted;
    for (const Change &c : plan.changes) {
        if (c.op == Change::Op::Delete)
            deleted.insert(secretId(c.kind, c.name));
    }
    auto exists = [&](Kind kind, const QString &name) {
        return desired.find(kind, name)
                || (current.find(kind, name) && !deleted.contains(secretId(kind, name)));
    };
    QStringList errors;
    auto need = [&](const Resource &r, Kind kind, const QString &name) {
        if (!name.isEmpty() && !exists(kind, name))
            errors << u"line %1: %2 %3 refers to %4 %5, which is neither in the file nor kept "
                      "on the server"_s.arg(r.line)
                              .arg(kindName(r.kind), r.name, kindName(kind), name);
    };
    for (const Resource &r : desired.items) {
        for (const QString &cred : names(r.fields.value(u"credentials"_s)))
            need(r, Kind::Credential, cred);
        for (const QString &role : names(r.fields.value(u"roles"_s)))
            need(r, Kind::Role, role);
        if (r.kind == Kind::Link)
            need(r, Kind::Role, r.fields.value(u"role"_s).toString());
        if (scopedRow(r)) {
            const QString id = r.fields.value(u"scope_id"_s).toString();
            const bool role = r.fields.value(u"scope_kind"_s).toString() == u"role";
            need(r, role ? Kind::Role : id.contains(u'/') ? Kind::Link : Kind::Agent, id);
        }
        if (r.kind == Kind::Credential)
            need(r, Kind::Channel,
                 r.fields.value(u"policy"_s).toObject().value(u"approval_channel"_s).toString());
    }
    for (const Change &c : plan.changes) {
        const QString kindBefore = c.current.fields.value(u"kind"_s).toString(u"static"_s);
        const QString kindAfter = c.desired.fields.value(u"kind"_s).toString(u"static"_s);
        if (c.op == Change::Op::Update && c.kind == Kind::Credential && kindBefore != kindAfter)
            errors << u"line %1: credential %2 is %3 on the server and %4 in the file: a "
                      "credential's kind cannot change (delete it, or use a new name)"_s
                              .arg(c.desired.line)
                              .arg(c.name, kindBefore, kindAfter);
        if (c.replace && c.kind == Kind::Channel && c.current.hasSecret
            && !c.desired.secret.isSet())
            errors << u"line %1: channel %2 must be recreated to change it, which needs its bot "
                      "token again: add bot_token_from: {env: NAME}"_s.arg(c.desired.line)
                              .arg(c.name);
    }
    return errors;
}

QHash<QString, QString> readSecrets(const Plan &plan, QStringList *errors)
{
    QHash<QString, QString> secrets;
    for (const Change &c : plan.changes) {
        if (!c.setSecret)
            continue;
        const ValueSource &s = c.desired.secret;
        const QString what =
                u"line %1: %2 %3: %4"_s.arg(s.line).arg(kindName(c.kind), c.name, s.describe());
        QString value;
        if (!s.env.isEmpty()) {
            if (!qEnvironmentVariableIsSet(qPrintable(s.env))) {
                *errors << what + u" is not set"_s;
                continue;
            }
            value = qEnvironmentVariable(qPrintable(s.env));
        } else {
            QFile f(s.file);
            if (!f.open(QIODevice::ReadOnly)) {
                *errors << what + u" cannot be read: "_s + f.errorString();
                continue;
            }
            value = QString::fromUtf8(f.read(kMaxSecretBytes + 1));
            while (value.endsWith(u'\n') || value.endsWith(u'\r'))
                value.chop(1);
        }
        const bool parts = c.kind == Kind::Credential
                && c.desired.fields.value(u"kind"_s).toString(u"static"_s) != u"static";
        if (value.isEmpty())
            *errors << what + u" is empty"_s;
        else if (value.toUtf8().size() > kMaxSecretBytes)
            *errors << what + u" is larger than 64 KiB"_s;
        else if (parts && !QJsonDocument::fromJson(value.toUtf8()).isObject())
            *errors << what
                            + u" is not a JSON object of the credential's parts (a %1 "
                              "credential's value)"_s.arg(
                                      c.desired.fields.value(u"kind"_s).toString());
        else
            secrets.insert(secretId(c.kind, c.name), value);
    }
    return secrets;
}

} // namespace tap::cli::config
